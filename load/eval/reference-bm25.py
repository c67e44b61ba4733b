"""Reference BM25 for `npm run eval:retrieval`: bm25s (PyPI, pinned by load/eval/reference-bm25.ts)
over the very chunks the platform indexed, with its own tokenizer (lowercase, \\w\\w+ words,
English stop words, Snowball English stemmer from PyStemmer), or with the platform's own terms
when the chunks carry "tokens"; Lucene's BM25 with the same k1 and b. Reads chunks.jsonl and queries.jsonl, writes one JSON line per query:
{"query_id", "hits": [[chunk_id, score], ...]}.

usage: python reference-bm25.py <chunks.jsonl> <queries.jsonl> <k> <k1> <b> > run.jsonl
"""
import json
import sys

import bm25s
import Stemmer


def main() -> None:
    chunks_path, queries_path, k, k1, b = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    chunks = [json.loads(line) for line in open(chunks_path, encoding="utf8") if line.strip()]
    queries = [json.loads(line) for line in open(queries_path, encoding="utf8") if line.strip()]
    if "tokens" in chunks[0]:
        # The platform's own terms (Postgres 'english' lexemes): checks the scoring alone.
        corpus_tokens = [c["tokens"] for c in chunks]
        query_tokens = [q["tokens"] for q in queries]
    else:
        stemmer = Stemmer.Stemmer("english")
        corpus_tokens = bm25s.tokenize([c["text"] for c in chunks], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
        query_tokens = bm25s.tokenize([q["text"] for q in queries], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
    retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
    retriever.index(corpus_tokens, show_progress=False)
    top = min(k, len(chunks))
    results, scores = retriever.retrieve(query_tokens, k=top, show_progress=False, n_threads=1)
    for qi, q in enumerate(queries):
        hits = [[chunks[int(results[qi][j])]["id"], float(scores[qi][j])] for j in range(top) if float(scores[qi][j]) > 0]
        sys.stdout.write(json.dumps({"query_id": q["_id"], "hits": hits}) + "\n")


if __name__ == "__main__":
    main()
