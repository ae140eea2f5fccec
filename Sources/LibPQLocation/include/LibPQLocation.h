#ifndef PLAN_LIBPQ_LOCATION_H
#define PLAN_LIBPQ_LOCATION_H
/* Which libpq.so.5 plan opens, decided in one place for the two that open it: PlanStartup's
   early load before Swift's main, and Runner's LibPQ. They must agree, or the early load is
   wasted work on a library nobody uses. */

typedef enum {
    /* PLAN_LIBPQ names a library: the user's explicit choice, always first. */
    plan_libpq_from_environment,
    /* <prefix>/lib/plan/libpq.so.5 beside <prefix>/bin/plan: the lean build scripts/install
       ships with plan (OpenSSL for TLS, no Kerberos or LDAP). */
    plan_libpq_installed_with_plan,
    /* libpq.so.5 on the dynamic loader's search path: Debian's libpq5 and the like. */
    plan_libpq_from_system,
} plan_libpq_origin;

typedef struct {
    const char *path;
    plan_libpq_origin origin;
} plan_libpq_location;

/* Decided once per process (the environment and the install do not change under it). */
plan_libpq_location plan_libpq_locate(void);

#endif
