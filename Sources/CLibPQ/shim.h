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

#endif
