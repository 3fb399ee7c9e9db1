"""Sikkerhetskopier / Backups, the admin's: the last backup and the last verification, why
the last attempt failed, whether the last backup's file is still there, where backups are
kept and where the passphrase is read from (the variable's name, never its value), the
files kept, and *Back up now*."""

import pandas as pd
import streamlit as st

from audits import scheduler
from audits.backups import archive, taking
from audits.core.errors import VernError
from dashboard import auth
from dashboard.ui import lang, plain, refusal, tr, vern, when

user = auth.require("backups")
config, store = vern().config, vern().store
st.title(tr("backups.title"))
settings = config.backup


def as_code(text) -> str:
    """For a code span: shown as typed; only a backtick could end it early."""
    return str(text).replace("`", "'")


copy = tr("backups.where_s3", bucket=as_code(settings["s3_bucket"])) if settings["s3_bucket"] else ""
st.caption(tr("backups.where", folder=as_code(settings["folder"]), variable=settings["passphrase_env"], copy=copy))

if st.button(tr("backups.now"), type="primary"):
    with st.spinner(tr("backups.taking")):
        try:
            made = taking.take(store, config, "button", user["name"])
        except VernError as error:
            st.error(refusal(error))
        else:
            scheduler.judge_backups(vern(), "manual", user["name"])
            st.success(plain(tr("backups.done", name=made.path.name, size=tr("backups.kb", n=-(-made.bytes // 1000)))))

found = taking.status(store)
facts = {
    tr("backups.fact.made"): when(found["made"]["finished_at"]) if found["made"] else tr("backups.never"),
    tr("backups.fact.verified"): when(found["verified"]["finished_at"]) if found["verified"] else tr("backups.never"),
    tr("backups.fact.schedule"): settings["schedule"],
    tr("backups.fact.keep"): tr("backups.keep", daily=settings["keep_daily"], weekly=settings["keep_weekly"],
                                monthly=settings["keep_monthly"]),
}
upcoming = scheduler.next_backup(vern())
if upcoming:
    facts[tr("backups.fact.next")] = when(upcoming)
# st.table reads Markdown in its cells: plain() on each.
st.table(pd.DataFrame({tr("backups.fact"): [plain(f) for f in facts], tr("backups.value"): [plain(v) for v in facts.values()]})
         .set_index(tr("backups.fact")))
attempt, tried = found["attempt"], found["verify_attempt"]
if attempt and attempt["problem"]:
    st.error(plain(tr("backups.last_failed", at=when(attempt["finished_at"]), problem=attempt["problem"][lang()])))
if attempt and attempt["copy_problem"]:
    st.warning(plain(tr("backups.copy_last_failed", at=when(attempt["finished_at"]),
                        problem=attempt["copy_problem"][lang()])))
made = found["made"]
if taking.file_gone(found, settings["folder"]):
    copy = tr("backups.file_gone_s3", bucket=as_code(settings["s3_bucket"])) if settings["s3_bucket"] else ""
    st.warning(tr("backups.file_gone", at=when(made["finished_at"]), folder=as_code(settings["folder"]), copy=copy))
if tried and tried["problem"]:
    st.error(plain(tr("backups.verify_failed", at=when(tried["finished_at"]), problem=tried["problem"][lang()])))

st.subheader(tr("backups.kept"))
kept = taking.backups(settings["folder"])
if not kept:
    st.info(tr("backups.none_kept"))
else:
    st.dataframe(pd.DataFrame([{tr("backups.col.taken"): when(archive.taken_at(path)), tr("backups.col.file"): path.name,
                                tr("backups.col.size"): tr("backups.kb", n=-(-path.stat().st_size // 1000))} for path in kept]),
                 hide_index=True, width="stretch")
