//! `GET /orgs/{org}/report?month=YYYY-MM`: the organisation's attainment report for a month.

use slamail_aws::http::{ApiError, Reply};
use slamail_core::directory::Action;
use slamail_core::ids::OrgId;
use slamail_core::report::{Month, MonthError, compute, month_key};

use crate::api::Api;

impl Api<'_> {
    /// The organisation's attainment report for a month (`docs/watch.md` has the JSON shape):
    /// its administrators and operators only; anyone else is refused like on every org route.
    pub(crate) async fn report(&self, org: &OrgId, month: Option<&str>) -> Reply {
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
