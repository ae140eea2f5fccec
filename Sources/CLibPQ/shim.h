#ifndef PLAN_CLIBPQ_SHIM_H
#define PLAN_CLIBPQ_SHIM_H
/* Debian and Ubuntu (libpq-dev) keep libpq's headers in /usr/include/postgresql; most other
   systems put them on the default include path. */
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif

/* postgres_ext.h defines the PG_DIAG_* field codes as character macros, which Swift cannot
   import; re-export the ones the runner reads as constants. */
static const int plan_diag_severity_nonlocalized = 'V';
static const int plan_diag_sqlstate = 'C';
static const int plan_diag_message_primary = 'M';
static const int plan_diag_message_detail = 'D';
static const int plan_diag_message_hint = 'H';
static const int plan_diag_statement_position = 'P';
static const int plan_diag_context = 'W';
static const int plan_diag_schema_name = 's';
static const int plan_diag_table_name = 't';
static const int plan_diag_constraint_name = 'n';

/* The runner loads libpq when a command first needs it rather than at every start (see
   Runner's LibPQ.swift), so it calls libpq through pointers of these types, which come from
   libpq-fe.h's own declarations. */
typedef __typeof__(PQconnectdbParams) *plan_PQconnectdbParams_fn;
typedef __typeof__(PQstatus) *plan_PQstatus_fn;
typedef __typeof__(PQerrorMessage) *plan_PQerrorMessage_fn;
typedef __typeof__(PQfinish) *plan_PQfinish_fn;
typedef __typeof__(PQsetNoticeReceiver) *plan_PQsetNoticeReceiver_fn;
typedef __typeof__(PQexec) *plan_PQexec_fn;
typedef __typeof__(PQexecParams) *plan_PQexecParams_fn;
typedef __typeof__(PQsendQuery) *plan_PQsendQuery_fn;
typedef __typeof__(PQgetResult) *plan_PQgetResult_fn;
typedef __typeof__(PQresultStatus) *plan_PQresultStatus_fn;
typedef __typeof__(PQtransactionStatus) *plan_PQtransactionStatus_fn;
typedef __typeof__(PQserverVersion) *plan_PQserverVersion_fn;
typedef __typeof__(PQbackendPID) *plan_PQbackendPID_fn;
typedef __typeof__(PQgetCancel) *plan_PQgetCancel_fn;
typedef __typeof__(PQcmdStatus) *plan_PQcmdStatus_fn;
typedef __typeof__(PQntuples) *plan_PQntuples_fn;
typedef __typeof__(PQnfields) *plan_PQnfields_fn;
typedef __typeof__(PQfname) *plan_PQfname_fn;
typedef __typeof__(PQgetisnull) *plan_PQgetisnull_fn;
typedef __typeof__(PQgetvalue) *plan_PQgetvalue_fn;
typedef __typeof__(PQgetlength) *plan_PQgetlength_fn;
typedef __typeof__(PQresultErrorField) *plan_PQresultErrorField_fn;
typedef __typeof__(PQclear) *plan_PQclear_fn;
typedef __typeof__(PQfreeCancel) *plan_PQfreeCancel_fn;
typedef __typeof__(PQcancel) *plan_PQcancel_fn;
/* Pipeline mode (libpq 14+): several queries in one round trip. */
typedef __typeof__(PQsendQueryParams) *plan_PQsendQueryParams_fn;
typedef __typeof__(PQenterPipelineMode) *plan_PQenterPipelineMode_fn;
typedef __typeof__(PQexitPipelineMode) *plan_PQexitPipelineMode_fn;
typedef __typeof__(PQpipelineSync) *plan_PQpipelineSync_fn;
#endif
