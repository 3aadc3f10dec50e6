"""Case files being made: fact order, answers, drafts, in-place edits, merge, follow-up."""
