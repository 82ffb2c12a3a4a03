//! Who is calling: the JWT authorizer's claims, and nothing else.

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use slamail_aws::http::{ApiError, Claims};
use slamail_core::directory::Actor;
use slamail_core::ids::EmailAddress;

use crate::DEFAULT_OPERATORS_GROUP;

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
    pub(crate) fn actor(&self) -> Actor {
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
