"""The portal: a web app in Vietnamese (and English) for the people of the programme.

Leaders register, amend, withdraw, report progress on and self-assess their tasks; the
Standing Committee's secretariat decides, returns and evaluates them and closes the year;
provincial staff follow the totals, chase who is late, and export and print the year's
report. Pages are rendered on the server; every read and write is a call to the three
services' HTTP APIs as the signed-in person (their bearer token). The portal keeps no
state of its own beyond sessions (in the same Redis, with a time to live).
"""
