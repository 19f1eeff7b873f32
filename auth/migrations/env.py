from auth.models import SCHEMA, Base
from common.migrations import run_env

run_env(Base.metadata, SCHEMA)
