//! `UpdateOwnership` (cw-ownable): two-step transfer; `Ownership {}` query; the old owner loses its rights.

use cw_ownable::{Action, Ownership};
use hmm::asset::AssetInfo;
use hmm::orderbook::{ExecuteMsg, QueryMsg};
use hmm_testing::orderbook::{refused, Suite};

#[test]
fn ownership_moves_in_two_steps() {
    let mut s = Suite::new();
    let (owner, bob, attacker) = (s.owner.clone(), s.addr("bob"), s.addr("attacker"));
    let transfer = ExecuteMsg::UpdateOwnership(Action::TransferOwnership {
        new_owner: bob.to_string(),
        expiry: None,
    });
    let err = s.execute(&attacker, &transfer).unwrap_err();
    assert!(refused(&err, &cw_ownable::OwnershipError::NotOwner));
    s.execute(&owner, &transfer).unwrap();
    let o: Ownership<String> = s.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(o.owner, Some(owner.to_string()));
    assert_eq!(o.pending_owner, Some(bob.to_string()));
    let accept = ExecuteMsg::UpdateOwnership(Action::AcceptOwnership);
    assert!(s.execute(&attacker, &accept).is_err());
    s.execute(&bob, &accept).unwrap();
    let o: Ownership<String> = s.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(o.owner, Some(bob.to_string()));
    // The old owner can no longer create markets; the new one can.
    let msg = ExecuteMsg::CreateMarket(Suite::market_msg(AssetInfo::native("ugpu")));
    assert!(s.execute(&owner, &msg).is_err());
    s.execute(&bob, &msg).unwrap();
}
