//! Copied into the generated `pet-events-server` crate by `tests/full_authentik.rs` and run
//! there: webhooks of `tests/specs/openapi31.yaml`, sent as the API would send them (bodies
//! serialised from the generated models), arrive at the generated webhook router typed, and a
//! malformed one is refused before the implementation runs.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use pet_events_server::{
    PetAdoptedResponse, PetFedResponse, PetsWebhooks, RequestContext, models, webhook_router,
};
use tower::ServiceExt as _;

#[derive(Default)]
struct Receiver {
    adoptions: Mutex<Vec<models::Adoption>>,
    feedings: Mutex<Vec<(String, models::Feeding)>>,
}

impl PetsWebhooks for Receiver {
    async fn pet_adopted(
        &self,
        _context: RequestContext,
        body: models::Adoption,
    ) -> PetAdoptedResponse {
        self.adoptions.lock().unwrap().push(body);
        PetAdoptedResponse::Ok
    }

    async fn pet_fed(
        &self,
        _context: RequestContext,
        params: models::params::PetFedParams,
        body: models::Feeding,
    ) -> PetFedResponse {
        self.feedings
            .lock()
            .unwrap()
            .push((params.x_signature, body));
        PetFedResponse::NoContent
    }
}

fn pet() -> models::Pet {
    models::Pet {
        id: 7,
        name: "Rex".to_owned(),
        nickname: Some(None),
        age_or_label: None,
        kind: models::Kind::Dog,
        // `Owner` admits null (`type: [object, "null"]`): optional and nullable, a tri-state.
        owner: Some(Some(models::Owner::from(models::Person {
            name: "Ada".to_owned(),
        }))),
        labels: Some(vec![models::PetLabel::Friendly]),
        position: (52.5, 13.4),
        photo: None,
        rules: None,
    }
}

async fn send(
    router: axum::Router,
    path: &str,
    headers: &[(&str, &str)],
    body: String,
) -> StatusCode {
    let mut request = Request::post(path).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    response.status()
}

#[tokio::test]
async fn webhooks_arrive_typed() {
    let receiver = Arc::new(Receiver::default());
    let router = webhook_router(Arc::clone(&receiver), "/hooks");

    let adoption = models::Adoption::Adopted(models::Adopted {
        event: models::AdoptedEvent::Adopted,
        pet: pet(),
    });
    let body = serde_json::to_string(&adoption).unwrap();
    // The tag, the tuple, the nullable and the const travel as the document says.
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["event"], "adopted");
    assert_eq!(json["pet"]["position"], serde_json::json!([52.5, 13.4]));
    assert_eq!(json["pet"]["nickname"], serde_json::Value::Null);
    let status = send(router.clone(), "/hooks/petAdopted", &[], body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(*receiver.adoptions.lock().unwrap(), vec![adoption]);

    let feeding = models::Feeding {
        pet_id: 7,
        food: "kibble".to_owned(),
        grams: Some(120.0),
    };
    let body = serde_json::to_string(&feeding).unwrap();
    let status = send(
        router.clone(),
        "/hooks/petFed",
        &[("x-signature", "sig")],
        body,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        *receiver.feedings.lock().unwrap(),
        vec![("sig".to_owned(), feeding)]
    );
}

#[tokio::test]
async fn malformed_webhooks_are_refused_before_the_implementation() {
    let receiver = Arc::new(Receiver::default());
    let router = webhook_router(Arc::clone(&receiver), "/hooks");
    // A tuple of the wrong length, a missing required header, an unknown webhook, the wrong
    // method.
    let mut pet = serde_json::to_value(pet()).unwrap();
    pet["position"] = serde_json::json!([52.5]);
    let body = serde_json::json!({"event": "adopted", "pet": pet}).to_string();
    assert_eq!(
        send(router.clone(), "/hooks/petAdopted", &[], body).await,
        StatusCode::BAD_REQUEST
    );
    let body = serde_json::json!({"pet_id": 7, "food": "kibble"}).to_string();
    assert_eq!(
        send(router.clone(), "/hooks/petFed", &[], body).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        send(router.clone(), "/hooks/petLost", &[], "{}".to_owned()).await,
        StatusCode::NOT_FOUND
    );
    let response = router
        .oneshot(
            Request::get("/hooks/petAdopted")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(receiver.adoptions.lock().unwrap().is_empty());
    assert!(receiver.feedings.lock().unwrap().is_empty());
}
