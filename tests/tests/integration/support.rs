//! The one-request-at-a-time moto server, for the concurrency tests (see
//! `MotoServer::start_serial` for why). It is the shared server every test uses.

use slamail_tests::MotoServer;

/// A DynamoDB client of the one-request-at-a-time moto.
pub fn serial_dynamodb() -> aws_sdk_dynamodb::Client {
    MotoServer::shared_serial().dynamodb()
}
