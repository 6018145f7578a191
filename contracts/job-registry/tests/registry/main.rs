//! job-registry end to end on cw-multi-test: real `ai-token` and `hmm-pool` contracts, a mock poai.
//!
//! - `flows`: the happy path and every exit (cancel both ways, every timeout, failure), queries.
//! - `refusals`: every refused message, each with its typed error and a snapshot proving nothing changed.
//! - `conservation`: a property test over random job schedules ($AI and CU conservation, nothing stuck).
//! - `fees`: the job fee (burned on success, returned otherwise) and the start window that stops start_by bait.
//! - `efe`: `EfeRank`, policies priced by the router's `Route` and weighted by softmax over EFE.
//! - `router_plan`: a router plan that does not add up is refused before any token moves.

mod conservation;
mod efe;
mod fees;
mod flows;
mod refusals;
mod router_plan;
