"""The knowledge base: embeddings, the versioned Chroma index, hybrid retrieval, evaluation."""
