# Read by gunicorn from the working directory (`make serve`): private links are
# kept out of its access and error logs (web/log_redaction.py).
logger_class = "web.log_redaction.RedactingGunicornLogger"
