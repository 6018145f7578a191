//! The index-bound sha256 Merkle tree a worker commits its job's inputs and outputs under (`io_merkle_root`).
//!
//! - leaf `i` of data `d`: `sha256(0x00 ‖ i as 8 bytes BE ‖ d)` — the index is inside the hash, so a proof for one
//!   position cannot be replayed for another;
//! - inner node: `sha256(0x01 ‖ left ‖ right)` — the domain bytes keep leaves and nodes apart (no second preimage
//!   by presenting a node as a leaf);
//! - a node without a right sibling moves up unchanged (no duplication, so no CVE-2012-2459-style ambiguity);
//! - root: `sha256(0x02 ‖ leaf_count as 8 bytes BE ‖ top)` — the count is committed, so the shape of every path is.

use crate::helpers::sha256;

/// Why a proof cannot be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MerkleError {
    /// The index is not below the leaf count (or the count is 0).
    IndexOutOfRange,
    /// The proof has the wrong number of siblings for this index and count.
    WrongProofLength,
}

pub fn leaf_hash(index: u64, data: &[u8]) -> [u8; 32] {
    sha256(&[&[0u8], &index.to_be_bytes(), data])
}

pub fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    sha256(&[&[1u8], left, right])
}

fn finish(leaf_count: u64, top: &[u8; 32]) -> [u8; 32] {
    sha256(&[&[2u8], &leaf_count.to_be_bytes(), top])
}

/// One level up: pairs hashed, an odd last node carried unchanged.
fn level_up(level: &[[u8; 32]]) -> Vec<[u8; 32]> {
    level
        .chunks(2)
        .map(|pair| match pair {
            [l, r] => node_hash(l, r),
            [single] => *single,
            _ => [0u8; 32],
        })
        .collect()
}

/// The root of a list of leaves; `None` for no leaves.
pub fn root(leaves: &[&[u8]]) -> Option<[u8; 32]> {
    let count = u64::try_from(leaves.len()).ok()?;
    let mut level: Vec<[u8; 32]> = leaves
        .iter()
        .zip(0u64..)
        .map(|(d, i)| leaf_hash(i, d))
        .collect();
    while level.len() > 1 {
        level = level_up(&level);
    }
    level.first().map(|top| finish(count, top))
}

/// The inclusion proof (siblings from the leaf up) of leaf `index`; `None` if out of range.
pub fn proof(leaves: &[&[u8]], index: usize) -> Option<Vec<[u8; 32]>> {
    if index >= leaves.len() {
        return None;
    }
    let mut level: Vec<[u8; 32]> = leaves
        .iter()
        .zip(0u64..)
        .map(|(d, i)| leaf_hash(i, d))
        .collect();
    let mut i = index;
    let mut siblings = vec![];
    while level.len() > 1 {
        let sibling = if i % 2 == 0 { i + 1 } else { i - 1 };
        if let Some(s) = level.get(sibling) {
            siblings.push(*s);
        }
        level = level_up(&level);
        i /= 2;
    }
    Some(siblings)
}

/// The root a proof leads to for `data` at `index` of `leaf_count` leaves.
pub fn compute_root(
    data: &[u8],
    index: u64,
    leaf_count: u64,
    siblings: &[[u8; 32]],
) -> Result<[u8; 32], MerkleError> {
    if index >= leaf_count {
        return Err(MerkleError::IndexOutOfRange);
    }
    let mut node = leaf_hash(index, data);
    let mut i = index;
    let mut n = leaf_count;
    let mut used = 0usize;
    while n > 1 {
        if i % 2 == 1 {
            let s = siblings.get(used).ok_or(MerkleError::WrongProofLength)?;
            node = node_hash(s, &node);
            used += 1;
        } else if i + 1 < n {
            let s = siblings.get(used).ok_or(MerkleError::WrongProofLength)?;
            node = node_hash(&node, s);
            used += 1;
        }
        i /= 2;
        n = n.div_ceil(2);
    }
    if used != siblings.len() {
        return Err(MerkleError::WrongProofLength);
    }
    Ok(finish(leaf_count, &node))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn single_leaf_and_bounds() {
        let leaves: Vec<&[u8]> = vec![b"only"];
        let r = root(&leaves).unwrap();
        assert_eq!(compute_root(b"only", 0, 1, &[]).unwrap(), r);
        assert_eq!(
            compute_root(b"only", 1, 1, &[]),
            Err(MerkleError::IndexOutOfRange)
        );
        assert_eq!(root(&[]), None);
        assert_eq!(proof(&leaves, 1), None);
    }

    #[test]
    fn index_and_count_are_bound() {
        let data: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 3]).collect();
        let leaves: Vec<&[u8]> = data.iter().map(|d| d.as_slice()).collect();
        let r = root(&leaves).unwrap();
        let p = proof(&leaves, 2).unwrap();
        assert_eq!(compute_root(&data[2], 2, 5, &p).unwrap(), r);
        // Same data claimed at another index, or under another count: another root.
        assert_ne!(compute_root(&data[2], 3, 5, &p).ok(), Some(r));
        assert_ne!(compute_root(&data[2], 2, 6, &p).ok(), Some(r));
        // A leaf not in the tree.
        assert_ne!(compute_root(b"forged", 2, 5, &p).unwrap(), r);
        // Extra or missing siblings are refused.
        let mut long = p.clone();
        long.push([0u8; 32]);
        assert_eq!(
            compute_root(&data[2], 2, 5, &long),
            Err(MerkleError::WrongProofLength)
        );
        assert_eq!(
            compute_root(&data[2], 2, 5, &p[..1]),
            Err(MerkleError::WrongProofLength)
        );
    }

    proptest! {
        #[test]
        fn every_leaf_proves(n in 1usize..40, pick in 0usize..40) {
            let data: Vec<Vec<u8>> = (0..n).map(|i| (i as u32).to_be_bytes().to_vec()).collect();
            let leaves: Vec<&[u8]> = data.iter().map(|d| d.as_slice()).collect();
            let r = root(&leaves).unwrap();
            let i = pick % n;
            let p = proof(&leaves, i).unwrap();
            prop_assert_eq!(compute_root(&data[i], i as u64, n as u64, &p).unwrap(), r);
        }
    }
}
