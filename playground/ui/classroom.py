"""What a classroom changes about a page: the presenter view, hidden controls, keys, sharing.

Both pages call these with their :class:`~playground.ui.session.PageSession`; everything a
function decides comes from the page's URL parameters (``present``, ``hide``) so that a
teacher's link opens the same classroom set-up.

* **Presenter view** (``?present=1`` or the "Presenter view" toggle, which writes the URL):
  a light, high-contrast page whatever the visitor's theme (``assets/presenter.css``: Streamlit
  1.67 keeps its theme in generated class styles, not in page-wide CSS variables, so the
  stylesheet sets the colours of the app's parts itself, and the ``--st-*`` variables that
  custom components such as the live charts read), counters and chart text about
  ``PRESENTER_SCALE`` times their size, and the sidebar collapsed.
* **Hidden control groups** (``?hide=data,network,training``): those sidebar sections, and
  their knobs in the top bar, are not drawn. An unknown name leaves every control in place
  and says so.
* **Top bar**: the settings a lesson talks about most (learning rate, activation,
  regularization and its rate) above the charts, as TensorFlow Playground has them, so they
  are reachable without scrolling on a 1280 x 720 screen.
* **Keys**: Space plays and pauses and → steps through Streamlit's own button shortcuts
  (``st.button(shortcut=...)``: kept with Streamlit, shown on the buttons, and not fired
  while the visitor types in an input). Streamlit allows one shortcut a button and reserves
  R, so S (a second key for Step) and R (Reset) come from ``KEYS_JS``, a dozen lines that
  click the page's own button and ignore keys typed into inputs. The ``streamlit-shortcuts``
  package was not used: it fires even while the visitor types in a number box (an "s" typed
  into the seed would take a step) and mounts an iframe for each call.
* **Share this set-up**: the link of the current set-up, from the address the visitor reached
  the app at (``st.context.url``), or from ``PLAYGROUND_PUBLIC_URL`` for a server behind a
  proxy whose outside address the app cannot see, and its QR code (``segno``: pure Python,
  no dependencies, writes PNG itself).
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path
from urllib.parse import urlencode

import segno
import streamlit as st

from playground.ui.session import PAGE_PARAMETERS, PageSession

PRESENT, HIDE = "present", "hide"
#: The control groups ``?hide=`` can name (the sidebar's sections).
CONTROL_GROUPS = ("data", "network", "training")
#: How much larger text, lines and points are drawn in the presenter view.
PRESENTER_SCALE = 1.6
#: The outside address of the app (scheme, host and any path prefix), for a server behind a proxy.
PUBLIC_URL_VARIABLE = "PLAYGROUND_PUBLIC_URL"
PRESENTER_CSS = Path(__file__).resolve().parents[2] / "assets" / "presenter.css"
#: The top bar's knobs, each with the control group it belongs to.
TOP_BAR = (("learning_rate", "training"), ("hidden_activation", "network"),
           ("regularization", "training"), ("regularization_rate", "training"))
REGULARIZATION_LABELS = {"none": "None", "l1": "L1", "l2": "L2"}
QR_PIXELS_PER_MODULE = 5

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


# -- the presenter view ----------------------------------------------------------------------------
def presenting() -> bool:
    """Whether the page is in the presenter view (``?present=1``)."""
    return st.query_params.get(PRESENT, "").strip().lower() in _TRUE


def chart_scale() -> float:
    """The ``scale`` for the figures: ``PRESENTER_SCALE`` in the presenter view, else 1."""
    return PRESENTER_SCALE if presenting() else 1.0


def _presenter_toggled(key: str) -> None:
    if st.session_state[key]:
        st.query_params[PRESENT] = "1"
    elif PRESENT in st.query_params:
        del st.query_params[PRESENT]


def presenter_toggle(session: PageSession) -> None:
    """The "Presenter view" toggle; it writes ``present`` to the URL, which decides."""
    key = f"{session.prefix}presenter_view"
    st.session_state[key] = presenting()
    st.toggle("Presenter view", key=key, on_change=_presenter_toggled, args=(key,),
              help="Large, light and high-contrast, for a projector; the sidebar folds away (its arrow opens it).")


def apply_classroom_view(session: PageSession) -> None:
    """Call once at the top of a page: the presenter view's style, and a notice for a
    ``present`` value that is not understood. (``app.py`` folds the sidebar: ``presenting``.)"""
    value = st.query_params.get(PRESENT)
    if value is not None and value.strip().lower() not in _TRUE + _FALSE:
        _notice_once(session, PRESENT, value, f"“present={value}” is not understood: present=1 opens the "
                     "presenter view. The page is shown as usual.")
    if presenting():
        st.html(f"<style>{PRESENTER_CSS.read_text(encoding='utf-8')}</style>")


def _notice_once(session: PageSession, parameter: str, value: str, text: str) -> None:
    """Add ``text`` as a notice the first time this page sees ``parameter=value``."""
    key = f"{session.prefix}noticed_{parameter}"
    if st.session_state.get(key) != value:
        st.session_state[key] = value
        session.add_notice(text)


# -- hidden control groups ---------------------------------------------------------------------------
def hidden_groups(session: PageSession) -> frozenset[str]:
    """The control groups named by ``?hide=`` (comma-separated), or none if any name is unknown."""
    value = st.query_params.get(HIDE, "")
    names = {name.strip().lower() for name in value.split(",") if name.strip()}
    unknown = sorted(names - set(CONTROL_GROUPS))
    if unknown:
        _notice_once(session, HIDE, value, f"“hide={value}” is not understood ({', '.join(unknown)}): "
                     f"it can name {', '.join(CONTROL_GROUPS)}. Every control is shown.")
        return frozenset()
    return frozenset(names)


# -- the top bar -------------------------------------------------------------------------------------
def top_bar(session: PageSession) -> None:
    """Learning rate, activation, regularization and its rate in one row above the charts (those
    of a hidden group left out), and the presenter toggle. The same knobs are not drawn in
    the sidebar: a widget key can be drawn only once a run. In the presenter view the row
    goes to the (folded) sidebar, so that the core view fits a 1280 x 720 screen."""
    hidden = hidden_groups(session)
    config = session.settings()
    where = st.sidebar.container() if presenting() else st.container()
    columns = iter([where] * 5 if presenting() else where.columns([1, 1.1, 1, 1, 1.1], vertical_alignment="bottom"))
    formats = {"learning_rate": dict(format_func=lambda v: f"{v:g}"),
               "hidden_activation": dict(format_func=lambda name: name.replace("_", " ")),
               "regularization": dict(format_func=REGULARIZATION_LABELS.get),
               "regularization_rate": dict(format_func=lambda v: f"{v:g}", disabled=config.regularization == "none")}
    labels = {"learning_rate": "Learning rate", "hidden_activation": "Activation",
              "regularization": "Regularization", "regularization_rate": "Regularization rate"}
    for field, group in TOP_BAR:
        with next(columns):
            if group not in hidden:
                session.bind(field, labels[field], **formats[field])
    with next(columns):
        presenter_toggle(session)


# -- keys ----------------------------------------------------------------------------------------------
KEYS_JS = """<script>
(() => {
  window.npKeySelectors = %s;
  if (window.npKeyListener) return;
  window.npKeyListener = (event) => {
    if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], [role='slider']")) return;
    const selector = window.npKeySelectors[event.key.toLowerCase()];
    const button = selector && document.querySelector(selector);
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  };
  document.addEventListener("keydown", window.npKeyListener);
})();
</script>"""


def keyboard(step_key: str, reset_key: str) -> None:
    """S steps and R resets: a key press clicks the button with Streamlit key ``step_key`` or
    ``reset_key`` (not while typing in an input, nor with a modifier). Space and → are
    the Play and Step buttons' own Streamlit shortcuts."""
    selectors = {"s": f".st-key-{step_key} button", "r": f".st-key-{reset_key} button"}
    st.html(KEYS_JS % json.dumps(selectors), unsafe_allow_javascript=True)


# -- sharing ------------------------------------------------------------------------------------------------
def page_address(page_path: str) -> str | None:
    """The page's address without its query: ``PLAYGROUND_PUBLIC_URL`` followed by
    ``page_path`` when that is set, else the address this visitor reached the page at, or None
    when neither is known (a test without a browser)."""
    public = os.environ.get(PUBLIC_URL_VARIABLE, "").strip()
    if public:
        return f"{public.rstrip('/')}/{page_path}"
    return st.context.url or None


def share_query(session: PageSession) -> dict[str, str]:
    """The query of the current set-up: every setting, and the page's own parameters (lesson,
    hidden groups) except the presenter view, which is the presenter's screen, not the set-up."""
    query = session.settings().to_query()
    current = st.query_params.to_dict()
    query.update({name: current[name] for name in PAGE_PARAMETERS if name in current and name != PRESENT})
    return query


def qr_png(link: str) -> bytes:
    """A QR code of ``link`` as PNG bytes (error correction M: readable on a projector)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=QR_PIXELS_PER_MODULE, border=2)
    return buffer.getvalue()


def share_panel(session: PageSession, page_path: str) -> None:
    """The "Share this set-up" expander: the link of the current set-up and its QR code."""
    with st.expander("Share this set-up"):
        query = "?" + urlencode(share_query(session))
        address = page_address(page_path)
        if address is None:
            st.caption(f"The app's address is not known here (set {PUBLIC_URL_VARIABLE}); this is the set-up's "
                       "query string:")
            st.code(query, language=None, wrap_lines=True)
            return
        link = address + query
        st.caption("This link opens this set-up, seed included. Scan the code to open it on a phone:")
        st.code(link, language=None, wrap_lines=True)
        st.image(qr_png(link), caption="QR code of the link above", width=220)
