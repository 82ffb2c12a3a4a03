//! The designated-contacts admin API: an API Gateway HTTP API (payload 2.0) behind a JWT
//! authorizer. The caller is whoever the authorizer's claims say, and nothing else: no header,
//! body or query parameter can name a different caller. Every call is authorized against the
//! directory itself (the caller's own member record), never against claims about organisations.
//!
//! See `docs/directory.md` for the routes.

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_aws::http::{Claims, Reply, body_bytes, respond, segments};
use slamail_core::directory::{
    Action, Actor, DirectoryError, Member, MemberChanges, NewMember, NewOrg, OrgChanges,
    Organisation, Role, Standing, authorize, org_limit,
};
use slamail_core::ids::{EmailAddress, OrgId, PolicyId};
use slamail_core::policy::PolicySet;
use slamail_core::report::{Month, MonthError, compute, month_key};
use slamail_core::support_term::SupportTerm;

mod config;

pub use config::{ConfigError, ContactsConfig, DEFAULT_OPERATORS_GROUP};
pub use slamail_aws::http::ApiError;

/// How requests are handled (part of [`ContactsConfig`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Members of this identity-provider group are vendor operators.
    pub operators_group: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            operators_group: DEFAULT_OPERATORS_GROUP.to_string(),
        }
    }
}

/// Who is calling, from the JWT authorizer's claims only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub email: EmailAddress,
    pub operator: bool,
}

impl Caller {
    fn actor(&self) -> Actor {
        if self.operator {
            Actor::Operator(self.email.to_string())
        } else {
            Actor::User(self.email.clone())
        }
    }
}

/// Reads the caller from `requestContext.authorizer.jwt.claims`. A missing identity is 401; an
/// address the identity provider has not verified is 403, since anyone can type any address
/// into a sign-up form.
pub fn caller(req: &ApiGatewayV2httpRequest, settings: &Settings) -> Result<Caller, ApiError> {
    let claims = Claims::of(req)?;
    let email = claims.email()?;
    claims.require_verified_email()?;
    let operator = claims.in_group(&settings.operators_group);
    Ok(Caller { email, operator })
}

/// Serves one request. Never panics; every failure is a JSON error response. Without a cases
/// table, the report route answers 503.
pub async fn handle(
    dir: &Directory,
    policies: &PolicySet,
    settings: &Settings,
    req: ApiGatewayV2httpRequest,
) -> ApiGatewayV2httpResponse {
    handle_with_reports(dir, None, policies, settings, req).await
}

/// [`handle`], with the cases table the attainment reports are read from.
pub async fn handle_with_reports(
    dir: &Directory,
    cases: Option<&CaseStore>,
    policies: &PolicySet,
    settings: &Settings,
    req: ApiGatewayV2httpRequest,
) -> ApiGatewayV2httpResponse {
    let result = match caller(&req, settings) {
        Ok(c) => route(dir, cases, policies, &c, &req).await,
        Err(e) => Err(e),
    };
    respond(result)
}

async fn route(
    dir: &Directory,
    cases: Option<&CaseStore>,
    policies: &PolicySet,
    caller: &Caller,
    req: &ApiGatewayV2httpRequest,
) -> Reply {
    let method = req.request_context.http.method.clone();
    let segs = segments(req)?;
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let api = Api {
        dir,
        cases,
        policies,
        caller,
    };
    match (method, segs.as_slice()) {
        (Method::GET, ["me"]) => api.my_memberships().await,
        (Method::POST, ["orgs"]) => api.create_org(body(req)?).await,
        (Method::GET, ["orgs", org]) => api.show_org(&org_id(org)?).await,
        (Method::PATCH, ["orgs", org]) => api.update_org(&org_id(org)?, body(req)?).await,
        (Method::GET, ["orgs", org, "contacts"]) => api.list_contacts(&org_id(org)?).await,
        (Method::PUT, ["orgs", org, "contacts", email]) => {
            api.designate(&org_id(org)?, &email_id(email)?).await
        }
        (Method::DELETE, ["orgs", org, "contacts", email]) => {
            api.remove_contact(&org_id(org)?, &email_id(email)?).await
        }
        (Method::GET, ["orgs", org, "members"]) => api.list_members(&org_id(org)?).await,
        (Method::POST, ["orgs", org, "members"]) => api.add_member(&org_id(org)?, body(req)?).await,
        (Method::GET, ["orgs", org, "members", "me"]) => api.my_status(&org_id(org)?).await,
        (Method::PATCH, ["orgs", org, "members", email]) => {
            api.update_member(&org_id(org)?, &email_id(email)?, body(req)?)
                .await
        }
        (Method::DELETE, ["orgs", org, "members", email]) => {
            api.remove_member(&org_id(org)?, &email_id(email)?).await
        }
        (Method::GET, ["orgs", org, "audit"]) => api.audit(&org_id(org)?).await,
        (Method::GET, ["orgs", org, "report"]) => {
            let month = req.query_string_parameters.first("month");
            api.report(&org_id(org)?, month).await
        }
        (_, ["me"] | ["orgs", ..]) if known_path(&segs) => Err(ApiError::new(
            405,
            "method-not-allowed",
            "this method is not allowed on this path",
        )),
        _ => Err(ApiError::new(404, "no-route", "no such route")),
    }
}

fn known_path(segs: &[&str]) -> bool {
    matches!(
        segs,
        ["me"]
            | ["orgs"]
            | ["orgs", _]
            | ["orgs", _, "contacts" | "members" | "audit" | "report"]
            | ["orgs", _, "contacts" | "members", _]
    )
}

fn org_id(raw: &str) -> Result<OrgId, ApiError> {
    OrgId::parse(raw).map_err(|e| ApiError::bad_request(e.to_string()))
}

fn email_id(raw: &str) -> Result<EmailAddress, ApiError> {
    EmailAddress::parse(raw).map_err(|e| ApiError::bad_request(e.to_string()))
}

fn body<T: for<'de> Deserialize<'de>>(req: &ApiGatewayV2httpRequest) -> Result<T, ApiError> {
    let bytes = body_bytes(req, None)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("a JSON body is required"));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateOrgBody {
    id: OrgId,
    name: String,
    policy: PolicyId,
    tier: String,
    #[serde(default)]
    extra_contacts: u32,
    #[serde(default)]
    domains: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateOrgBody {
    name: Option<String>,
    policy: Option<PolicyId>,
    tier: Option<String>,
    extra_contacts: Option<u32>,
    domains: Option<Vec<String>>,
    /// `{"start": "2026-01-01", "end": "2026-12-31"}` sets the support term; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    support_term: Option<Option<SupportTerm>>,
    products: Option<Vec<String>>,
}

/// A field that may be absent (keep), `null` (remove) or a value (set).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddMemberBody {
    email: EmailAddress,
    name: Option<String>,
    role: Option<Role>,
    verified: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateMemberBody {
    name: Option<String>,
    role: Option<Role>,
    verified: Option<bool>,
}

#[derive(Debug, Serialize)]
struct MemberView<'a> {
    email: &'a EmailAddress,
    name: Option<&'a str>,
    role: Role,
    verified: bool,
    designated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    designated_at: Option<String>,
}

fn member_view(m: &Member) -> Value {
    json!(MemberView {
        email: &m.email,
        name: m.name.as_deref(),
        role: m.role,
        verified: m.verified,
        designated: m.designated,
        designated_at: m.designated_at.map(|t| t.to_rfc3339()),
    })
}

struct Api<'a> {
    dir: &'a Directory,
    cases: Option<&'a CaseStore>,
    policies: &'a PolicySet,
    caller: &'a Caller,
}

impl Api<'_> {
    /// The caller's standing in `org`, and their own record. Signing in with a verified address
    /// is what verifies a member, so the first call of a member records it.
    async fn standing(&self, org: &OrgId) -> Result<(Standing, Option<Member>), ApiError> {
        if self.caller.operator {
            return Ok((Standing::Operator, None));
        }
        let own = self.dir.member(org, &self.caller.email).await?;
        if let Some(m) = &own
            && !m.verified
        {
            self.dir.mark_verified(org, &self.caller.email).await?;
        }
        Ok((Standing::of(false, own.as_ref()), own))
    }

    async fn allow(&self, org: &OrgId, action: Action) -> Result<Standing, ApiError> {
        let (standing, _) = self.standing(org).await?;
        authorize(standing, action)?;
        Ok(standing)
    }

    fn operator_only(&self, action: Action) -> Result<(), ApiError> {
        let standing = if self.caller.operator {
            Standing::Operator
        } else {
            Standing::Outsider
        };
        authorize(standing, action)?;
        Ok(())
    }

    async fn existing_org(&self, org: &OrgId) -> Result<Organisation, ApiError> {
        Ok(self
            .dir
            .org(org)
            .await?
            .ok_or_else(|| DirectoryError::UnknownOrg(org.clone()))?)
    }

    fn org_view(&self, o: &Organisation) -> Value {
        let limit = org_limit(self.policies, o).ok();
        json!({
            "id": o.id,
            "name": o.name,
            "policy": o.policy,
            "tier": o.tier,
            "extra_contacts": o.extra_contacts,
            "domains": o.domains,
            "verified_domains": o.verified_domains,
            "support_term": o.support_term,
            "products": o.products,
            "contacts": { "used": o.designated_count, "limit": limit },
        })
    }

    async fn my_memberships(&self) -> Reply {
        let all = self.dir.memberships_of(&self.caller.email).await?;
        Ok((
            200,
            json!({ "email": self.caller.email, "memberships": all }),
        ))
    }

    async fn create_org(&self, b: CreateOrgBody) -> Reply {
        self.operator_only(Action::CreateOrg)?;
        let org = self
            .dir
            .create_org(
                &self.caller.actor(),
                self.policies,
                NewOrg {
                    id: b.id,
                    name: b.name,
                    policy: b.policy,
                    tier: b.tier,
                    extra_contacts: b.extra_contacts,
                    domains: b.domains,
                    // Only operators verify a domain, and outside the API (CLI, import file).
                    verified_domains: Vec::new(),
                },
            )
            .await?;
        Ok((201, self.org_view(&org)))
    }

    async fn show_org(&self, org: &OrgId) -> Reply {
        self.allow(org, Action::ShowOrg).await?;
        let o = self.existing_org(org).await?;
        Ok((200, self.org_view(&o)))
    }

    async fn update_org(&self, org: &OrgId, b: UpdateOrgBody) -> Reply {
        self.operator_only(Action::UpdateOrg)?;
        let changes = OrgChanges {
            name: b.name,
            policy: b.policy,
            tier: b.tier,
            extra_contacts: b.extra_contacts,
            domains: b.domains,
            verified_domains: None,
            support_term: b.support_term,
            products: b.products,
        };
        if changes.is_empty() {
            return Err(ApiError::bad_request("nothing to change"));
        }
        let o = self
            .dir
            .update_org(&self.caller.actor(), self.policies, org, &changes)
            .await?;
        Ok((200, self.org_view(&o)))
    }

    async fn list_contacts(&self, org: &OrgId) -> Reply {
        self.allow(org, Action::ListContacts).await?;
        let o = self.existing_org(org).await?;
        let contacts = self.dir.contacts(org).await?;
        let views: Vec<Value> = contacts.iter().map(member_view).collect();
        Ok((
            200,
            json!({
                "org": org,
                "used": o.designated_count,
                "limit": org_limit(self.policies, &o).ok(),
                "contacts": views,
            }),
        ))
    }

    async fn designate(&self, org: &OrgId, email: &EmailAddress) -> Reply {
        self.allow(org, Action::Designate).await?;
        let m = self
            .dir
            .designate(&self.caller.actor(), self.policies, org, email)
            .await?;
        Ok((200, member_view(&m)))
    }

    async fn remove_contact(&self, org: &OrgId, email: &EmailAddress) -> Reply {
        self.allow(org, Action::RemoveContact).await?;
        let m = self
            .dir
            .remove_contact(&self.caller.actor(), org, email)
            .await?;
        Ok((200, member_view(&m)))
    }

    async fn list_members(&self, org: &OrgId) -> Reply {
        self.allow(org, Action::ListMembers).await?;
        self.existing_org(org).await?;
        let members = self.dir.members(org).await?;
        let views: Vec<Value> = members.iter().map(member_view).collect();
        Ok((200, json!({ "org": org, "members": views })))
    }

    async fn add_member(&self, org: &OrgId, b: AddMemberBody) -> Reply {
        let standing = self.allow(org, Action::AddMember).await?;
        if b.verified.is_some() && standing != Standing::Operator {
            return Err(ApiError::new(
                403,
                "forbidden",
                "only operators may mark an address verified; members are verified when they sign in",
            ));
        }
        let m = self
            .dir
            .add_member(
                &self.caller.actor(),
                NewMember {
                    org: org.clone(),
                    email: b.email,
                    name: b.name,
                    role: b.role.unwrap_or(Role::Member),
                    verified: b.verified.unwrap_or(false),
                },
            )
            .await?;
        Ok((201, member_view(&m)))
    }

    async fn update_member(&self, org: &OrgId, email: &EmailAddress, b: UpdateMemberBody) -> Reply {
        let standing = self.allow(org, Action::UpdateMember).await?;
        if b.verified.is_some() && standing != Standing::Operator {
            return Err(ApiError::new(
                403,
                "forbidden",
                "only operators may change whether an address is verified",
            ));
        }
        let m = self
            .dir
            .update_member(
                &self.caller.actor(),
                org,
                email,
                &MemberChanges {
                    name: b.name,
                    role: b.role,
                    verified: b.verified,
                },
            )
            .await?;
        Ok((200, member_view(&m)))
    }

    async fn remove_member(&self, org: &OrgId, email: &EmailAddress) -> Reply {
        self.allow(org, Action::RemoveMember).await?;
        let m = self
            .dir
            .remove_member(&self.caller.actor(), org, email)
            .await?;
        Ok((200, member_view(&m)))
    }

    async fn my_status(&self, org: &OrgId) -> Reply {
        let (standing, own) = self.standing(org).await?;
        authorize(standing, Action::ViewOwnStatus)?;
        // Operators have no record of their own; they are told so rather than refused.
        let Some(own) = own else {
            return Ok((
                200,
                json!({ "org": org, "email": self.caller.email, "member": false, "designated": false }),
            ));
        };
        Ok((
            200,
            json!({
                "org": org,
                "email": own.email,
                "member": true,
                "role": own.role,
                // The record was read before this call verified it.
                "verified": true,
                "designated": own.designated,
            }),
        ))
    }

    async fn audit(&self, org: &OrgId) -> Reply {
        self.allow(org, Action::ViewAudit).await?;
        self.existing_org(org).await?;
        let entries = self.dir.audit(org).await?;
        Ok((200, json!({ "org": org, "entries": entries })))
    }

    /// The organisation's attainment report for a month (`docs/watch.md` has the JSON shape):
    /// its administrators and operators only; anyone else is refused like on every org route.
    async fn report(&self, org: &OrgId, month: Option<&str>) -> Reply {
        self.allow(org, Action::ViewReport).await?;
        let month: Month = month
            .ok_or_else(|| {
                ApiError::bad_request("the month query parameter is required (YYYY-MM)")
            })?
            .parse()
            .map_err(|e: MonthError| ApiError::bad_request(e.to_string()))?;
        let o = self.existing_org(org).await?;
        let policy = self.policies.get(&o.policy).ok_or_else(|| {
            ApiError::new(
                409,
                "policy-not-loaded",
                format!(
                    "the organisation's policy {} is not in force here",
                    o.policy
                ),
            )
        })?;
        let cases = self.cases.ok_or_else(|| {
            ApiError::new(
                503,
                "reports-unavailable",
                "reports are not configured (CASES_TABLE)",
            )
        })?;
        let read = cases
            .report_cases(
                &month_key(&policy.id, month.first_day()),
                Some(org.as_str()),
            )
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "report: cases not read");
                ApiError::new(
                    503,
                    "cases-unavailable",
                    "the cases could not be read; try again",
                )
            })?;
        let report = compute(policy, month, Some(org.as_str()), &read, chrono::Utc::now());
        let value = serde_json::to_value(&report)
            .map_err(|e| ApiError::new(500, "internal", e.to_string()))?;
        Ok((200, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(claims: Option<Value>, method: &str, path: &str) -> ApiGatewayV2httpRequest {
        let mut ctx = json!({
            "http": { "method": method, "path": path },
            "stage": "$default",
        });
        if let Some(c) = claims {
            ctx["authorizer"] = json!({ "jwt": { "claims": c, "scopes": null } });
        }
        serde_json::from_value(json!({
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": path,
            "requestContext": ctx,
        }))
        .unwrap()
    }

    #[test]
    fn identity_comes_from_claims() {
        let s = Settings::default();
        let no = request(None, "GET", "/me");
        assert_eq!(caller(&no, &s).unwrap_err().status, 401);
        let no_email = request(Some(json!({"sub": "x"})), "GET", "/me");
        assert_eq!(caller(&no_email, &s).unwrap_err().status, 401);
        let unverified = request(
            Some(json!({"email": "a@b.example", "email_verified": "false"})),
            "GET",
            "/me",
        );
        assert_eq!(caller(&unverified, &s).unwrap_err().status, 403);
        let ok = request(
            Some(json!({"email": "A@B.example", "email_verified": "true"})),
            "GET",
            "/me",
        );
        let c = caller(&ok, &s).unwrap();
        assert_eq!(c.email.as_str(), "a@b.example");
        assert!(!c.operator);
        let op = request(
            Some(json!({"email": "o@v.example", "email_verified": "true",
                        "cognito:groups": "[readers slamail-operators]"})),
            "GET",
            "/me",
        );
        assert!(caller(&op, &s).unwrap().operator);
        let lookalike = request(
            Some(json!({"email": "o@v.example", "email_verified": "true",
                        "cognito:groups": "[slamail-operators-old]"})),
            "GET",
            "/me",
        );
        assert!(!caller(&lookalike, &s).unwrap().operator);
    }

    #[test]
    fn paths_are_decoded_and_stage_stripped() {
        let mut r = request(None, "GET", "/prod/orgs/acme/contacts/bob%40acme.example");
        r.request_context.stage = Some("prod".into());
        assert_eq!(
            segments(&r).unwrap(),
            ["orgs", "acme", "contacts", "bob@acme.example"]
        );
        assert!(known_path(&["orgs", "acme", "members"]));
        assert!(!known_path(&["orgs", "acme", "secrets"]));
    }
}
