//! `ai-token`: the $AI token and the compute-unit (CU) tokens, one cw20 code for all of them.
