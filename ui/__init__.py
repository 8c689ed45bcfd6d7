"""The Streamlit review app's pages and shared rendering (a thin layer over ``verifier``)."""
