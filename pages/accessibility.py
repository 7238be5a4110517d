"""Accessibility statement, as UK public-sector websites publish one."""

import streamlit as st

from cpdata.ui import session

session.ensure_routed()

st.title("Accessibility statement")
st.markdown(
    """
This dashboard is run for councils' corporate parenting work. We want as many people as possible to be
able to use it. You should be able to:

- reach every control (council, framework, year, comparator, page links) with a keyboard alone;
- read every chart's figures as a table, under "Numbers behind the chart", and download them as CSV;
- tell better from worse without colour: words and symbols (✔ better, ✖ worse, = in line, ▲ ▼) carry every
  judgement, and chart lines differ by dash and point shape as well as colour;
- zoom to 200% without losing content.

**How accessible this dashboard is.** We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at
level AA. What is left that we know of:

- interactive chart tooltips need a pointer (the same figures are in the table beneath each chart, and each
  chart has a text alternative listing the council's figures year by year);
- the page links in the sidebar mark the page you are on with shading and the words "(this page)", but the
  Streamlit framework's links do not carry `aria-current`, so a screen reader announces the words, not the state;
- the "Numbers behind the chart" tables are Streamlit's data grid, drawn on a canvas with a hidden table for
  screen readers; the overview's scorecards are plain tables;
- the upload page's file drop area (Streamlit's) is marked as presentation yet labelled "File to upload"; axe
  rates this minor (`presentation-role-conflict`); its "Browse files" button is an ordinary labelled button;
- other parts of the Streamlit framework that draws the pages (its toolbar and menu) are outside our control.

**Feedback and contact.** If you find a problem or need information in a different format, tell your
council's performance team, who run this dashboard.

**Enforcement procedure.** The Equality and Human Rights Commission (EHRC) is responsible for enforcing the
Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not
happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).

**How we tested.** Automated checks with axe-core in a real browser on every page, for each council's framework,
on the upload page in each of its states and on the big-screen briefing, with no rule and no part of the page
left out (Streamlit's own parts included): none finds a serious or critical issue. Keyboard-only use of the page
links and the pickers: Tab goes from "Skip to main content" through the page links to the pickers, in reading
order. This statement was prepared in November 2026 and reviewed in December 2026.
"""
)
