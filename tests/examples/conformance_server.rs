//! The generated `authentik-server` with an implementation that answers every operation of the
//! seed spec with schema-valid data, for Schemathesis (`cargo xtask conformance --server`).
//!
//! `cargo run -p tests --example conformance_server -- 127.0.0.1:PORT TOKEN` serves the API under
//! `/api/v3` and prints `listening` once it accepts connections. Operations that require
//! authentication answer 403 unless the request carries `TOKEN` (as `Bearer`, or as
//! `Bearer+agent` where the operation accepts that scheme).

use std::collections::BTreeMap;
use std::sync::Arc;

use authentik_models::params::{
    CoreUsersListParams, FlowsExecutorGetParams, ProvidersSamlMetadataRetrieveParams,
};
use authentik_models::{
    ChallengeTypes, FileUploadRequest, GenericError, ModelRequest, PaginatedUserList, Pagination,
    PatchedUserRequest, RedirectChallenge, SamlMetadata, SyncStatus, User, UserTypeEnum,
};
use authentik_server::{
    CoreApi, CoreApplicationsSetIconCreateResponse, CoreUsersDestroyResponse,
    CoreUsersListResponse, CoreUsersPartialUpdateResponse, FlowsApi, FlowsExecutorGetResponse,
    ProvidersAllTestCreateResponse, ProvidersApi,
    ProvidersMicrosoftEntraSyncStatusRetrieveResponse, ProvidersSamlMetadataRetrieveResponse,
    RequestContext,
};

struct Valid {
    token: String,
}

impl Valid {
    /// Whether the request carries the token with a scheme the operation accepts.
    fn authorized(&self, context: &RequestContext, agent: bool) -> bool {
        match context.authorization() {
            Some((scheme, token)) if token == self.token => {
                scheme.eq_ignore_ascii_case("bearer")
                    || (agent && scheme.eq_ignore_ascii_case("bearer+agent"))
            }
            _ => false,
        }
    }
}

fn user(pk: i64) -> User {
    User {
        pk,
        username: format!("user{pk}"),
        name: format!("User {pk}"),
        is_active: Some(true),
        last_login: Some(None),
        type_: Some(UserTypeEnum::Internal),
        uuid: uuid::Uuid::from_u128(pk as u128),
        attributes: Some(BTreeMap::new()),
    }
}

fn forbidden() -> GenericError {
    GenericError {
        detail: "Authentication credentials were not provided.".to_owned(),
        code: Some("not_authenticated".to_owned()),
    }
}

impl CoreApi for Valid {
    async fn core_users_list(
        &self,
        context: RequestContext,
        params: CoreUsersListParams,
    ) -> CoreUsersListResponse {
        if !self.authorized(&context, true) {
            return CoreUsersListResponse::Forbidden(forbidden());
        }
        let page = params.page.unwrap_or(1).max(1);
        CoreUsersListResponse::Ok(PaginatedUserList {
            pagination: Pagination {
                next: 0.0,
                previous: 0.0,
                count: 1.0,
                current: page as f64,
                total_pages: 1.0,
                start_index: 1.0,
                end_index: 1.0,
            },
            results: vec![user(1)],
            autocomplete: BTreeMap::new(),
        })
    }

    async fn core_users_destroy(
        &self,
        context: RequestContext,
        _: i64,
    ) -> CoreUsersDestroyResponse {
        if !self.authorized(&context, false) {
            return CoreUsersDestroyResponse::Forbidden(forbidden());
        }
        CoreUsersDestroyResponse::NoContent
    }

    async fn core_users_partial_update(
        &self,
        context: RequestContext,
        id: i64,
        body: Option<PatchedUserRequest>,
    ) -> CoreUsersPartialUpdateResponse {
        if !self.authorized(&context, false) {
            return CoreUsersPartialUpdateResponse::Forbidden(forbidden());
        }
        let mut updated = user(id);
        if let Some(name) = body.and_then(|b| b.name) {
            updated.name = name;
        }
        CoreUsersPartialUpdateResponse::Ok(updated)
    }

    async fn core_applications_set_icon_create(
        &self,
        context: RequestContext,
        _: String,
        _: Option<FileUploadRequest>,
    ) -> CoreApplicationsSetIconCreateResponse {
        if !self.authorized(&context, false) {
            return CoreApplicationsSetIconCreateResponse::Forbidden(forbidden());
        }
        CoreApplicationsSetIconCreateResponse::Ok
    }
}

impl FlowsApi for Valid {
    async fn flows_executor_get(
        &self,
        _: RequestContext,
        _: String,
        _: FlowsExecutorGetParams,
    ) -> FlowsExecutorGetResponse {
        FlowsExecutorGetResponse::Ok(ChallengeTypes::RedirectChallenge(RedirectChallenge {
            flow_info: None,
            component: Some("xak-flow-redirect".to_owned()),
            to: "/if/user/".to_owned(),
        }))
    }
}

impl ProvidersApi for Valid {
    async fn providers_all_test_create(
        &self,
        context: RequestContext,
        body: ModelRequest,
    ) -> ProvidersAllTestCreateResponse {
        if !self.authorized(&context, false) {
            return ProvidersAllTestCreateResponse::Forbidden(forbidden());
        }
        ProvidersAllTestCreateResponse::Ok(body)
    }

    async fn providers_saml_metadata_retrieve(
        &self,
        _: RequestContext,
        _: i64,
        _: ProvidersSamlMetadataRetrieveParams,
    ) -> ProvidersSamlMetadataRetrieveResponse {
        ProvidersSamlMetadataRetrieveResponse::Ok(SamlMetadata {
            metadata: "<EntityDescriptor/>".to_owned(),
            download_url: "/download".to_owned(),
        })
    }

    async fn providers_microsoft_entra_sync_status_retrieve(
        &self,
        context: RequestContext,
        _: i64,
    ) -> ProvidersMicrosoftEntraSyncStatusRetrieveResponse {
        if !self.authorized(&context, false) {
            return ProvidersMicrosoftEntraSyncStatusRetrieveResponse::Forbidden(forbidden());
        }
        ProvidersMicrosoftEntraSyncStatusRetrieveResponse::Ok(SyncStatus {
            is_running: false,
            tasks: Vec::new(),
        })
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let token = args
        .next()
        .unwrap_or_else(|| "conformance-token".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("the address is free");
    println!("listening on {}", listener.local_addr().expect("bound"));
    let app = authentik_server::router(Arc::new(Valid { token }), "/api/v3");
    axum::serve(listener, app).await.expect("serves");
}
