//! The raw-mail bucket, in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use slamail_core::case::RawLocation;
use slamail_core::intake::ports::{PortError, RawMail};

use super::{Calls, lock};

/// The raw-mail bucket.
#[derive(Debug, Default)]
pub struct FakeRawMail {
    objects: Mutex<HashMap<(String, String), Vec<u8>>>,
    calls: Calls,
}

impl FakeRawMail {
    pub fn put(&self, raw: &RawLocation, bytes: Vec<u8>) {
        lock(&self.objects).insert((raw.bucket.clone(), raw.key.clone()), bytes);
    }

    pub fn fail_next_fetch(&self) {
        lock(&self.calls.failing).push("fetch");
    }

    pub fn calls(&self) -> Vec<&'static str> {
        lock(&self.calls.made).clone()
    }
}

impl RawMail for FakeRawMail {
    async fn fetch(&self, raw: &RawLocation) -> Result<Vec<u8>, PortError> {
        self.calls.call("raw-mail bucket", "fetch")?;
        lock(&self.objects)
            .get(&(raw.bucket.clone(), raw.key.clone()))
            .cloned()
            .ok_or_else(|| {
                PortError::new(
                    "raw-mail bucket",
                    format!("s3://{}/{} was not found", raw.bucket, raw.key),
                )
            })
    }
}
