# Issue 6's numbers: every cue evaluation, then one table (bench/cues.md).
# About 45 min on the 2-core machine (eval-nsfw runs nsfwjs on pure-JS tfjs);
# eval-cues-table only re-collects the table from the files already written.
.PHONY: eval-cues eval-cues-table
eval-cues: eval-faces eval-nsfw eval-pii bench-cues
	node tools/cues_summary.mjs $(BENCH_DIR) $(BENCH_DIR)/cues.md

eval-cues-table:
	node tools/cues_summary.mjs $(BENCH_DIR) $(BENCH_DIR)/cues.md
