//! The job and PoAI flows in the VM (job-registry and poai on top of [`super::exchange`]).
