"""The people's editorial committee as code: terms, CODEOWNERS, the review quorum, the board and submissions."""
