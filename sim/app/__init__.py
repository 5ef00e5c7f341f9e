"""The workshop app (`wijkteam app`): a Solara page to compare two designs of a municipality.

Modules: `profiles` (scenario files, upload and TOML export), `params` (sliders from the
scenario schema), `worker` (the shared process pool and one run), `session` (a comparison
run by one browser session, streamed), `figures` (the neighbourhood grid), `texts` (page
wording), `page` (the Solara components) and `server` (start-up and serving).
"""
