"""The baseline for webhook ingest: a bare Flask route that answers empty TwiML and does nothing else."""

from flask import Flask, Response

app = Flask(__name__)


@app.post("/twilio/sms")
def sms() -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?><Response/>', mimetype="text/xml")


@app.get("/healthz")
def healthz() -> str:
    return "ok"
