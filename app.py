"""Neural Playground: page configuration and navigation, nothing else."""
import streamlit as st
from threadpoolctl import threadpool_limits

from playground.ui.classroom import presenting
from playground.ui.navigation import PAGES
from playground.ui.playground_page import page as playground_page
from playground.ui.recurrent_page import page as recurrent_page

# One BLAS thread per computation: the matrices are small and many visitors share the server,
# so a second thread costs more in hand-offs than it gains (docs/performance.md).
threadpool_limits(limits=1, user_api="blas")
# Set once a run: a second call (collapsed for the presenter view) after this one let the
# sidebar open again when Play's full rerun sent both.
st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide",
                   initial_sidebar_state="collapsed" if presenting() else "auto")
PAGES.update({
    "playground": st.Page(playground_page, title="Playground", icon=":material/hub:", url_path="playground",
                          default=True),
    "recurrent": st.Page(recurrent_page, title="Recurrent lab", icon=":material/replay:", url_path="recurrent"),
})
st.navigation(list(PAGES.values())).run()
