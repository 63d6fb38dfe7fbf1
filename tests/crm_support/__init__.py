"""Local stand-ins for the CRMs a live sync talks to (PRODUCT.md §11); no internet needed."""
