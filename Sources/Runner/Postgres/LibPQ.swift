internal import CLibPQ
import Glibc
internal import LibPQLocation

/// libpq, loaded the first time a command needs it instead of by the dynamic loader at every
/// start of `plan`. Debian's libpq.so.5 pulls in 24 libraries (GnuTLS, Kerberos, LDAP, …,
/// most bound eagerly), 4–6 ms of loading that `plan check`, `plan show` and `--version` never
/// need. Which library is LibPQLocation's decision: `PLAN_LIBPQ`, else the lean build installed
/// beside plan (scripts/install), else the system's.
/// For the subcommands that connect, the executable's PlanStartup target starts loading it on
/// another thread before Swift's main runs; `load()` then finds it loaded, or waits for it.
///
/// The function types come from libpq-fe.h (CLibPQ's shim.h), so a call through this table is
/// checked by the compiler exactly as a direct call would be.
struct LibPQ: Sendable {
    let connectdbParams: plan_PQconnectdbParams_fn
    let status: plan_PQstatus_fn
    let errorMessage: plan_PQerrorMessage_fn
    let finish: plan_PQfinish_fn
    let setNoticeReceiver: plan_PQsetNoticeReceiver_fn
    let exec: plan_PQexec_fn
    let execParams: plan_PQexecParams_fn
    let sendQuery: plan_PQsendQuery_fn
    let getResult: plan_PQgetResult_fn
    let resultStatus: plan_PQresultStatus_fn
    let transactionStatus: plan_PQtransactionStatus_fn
    let serverVersion: plan_PQserverVersion_fn
    let backendPID: plan_PQbackendPID_fn
    let getCancel: plan_PQgetCancel_fn
    let cmdStatus: plan_PQcmdStatus_fn
    let ntuples: plan_PQntuples_fn
    let nfields: plan_PQnfields_fn
    let fname: plan_PQfname_fn
    let getisnull: plan_PQgetisnull_fn
    let getvalue: plan_PQgetvalue_fn
    let getlength: plan_PQgetlength_fn
    let resultErrorField: plan_PQresultErrorField_fn
    let clear: plan_PQclear_fn
    let freeCancel: plan_PQfreeCancel_fn
    let cancel: plan_PQcancel_fn
    /// Pipeline mode, in libpq 14 and later; nil in an older library (`PLAN_LIBPQ`), where a
    /// batch of queries takes one round trip each.
    let pipeline: Pipeline?

    struct Pipeline: Sendable {
        let sendQueryParams: plan_PQsendQueryParams_fn
        let enter: plan_PQenterPipelineMode_fn
        let exit: plan_PQexitPipelineMode_fn
        let sync: plan_PQpipelineSync_fn
    }

    /// A string libpq returns; through a function pointer the header's "never NULL" is lost,
    /// so NULL (which libpq returns only for out-of-range requests) reads as empty.
    static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// What to do when the library could not be loaded depends on who chose it.
    private static func remedy(for origin: plan_libpq_origin) -> String {
        switch origin {
        case plan_libpq_from_environment:
            "PLAN_LIBPQ names it: point PLAN_LIBPQ at a libpq.so.5, or unset it to use the system's"
        case plan_libpq_installed_with_plan:
            "it was installed with plan (scripts/install): install plan again, "
                + "or set PLAN_LIBPQ=libpq.so.5 to use the system's"
        default:
            "install it (Debian and Ubuntu: apt-get install libpq5)"
        }
    }

    /// Loaded once per process, by whichever thread asks first; a thread that asks while another
    /// is loading waits for it (Swift runs a global's initializer once).
    private static let loading: Result<LibPQ, PostgresError> = Result { () throws(PostgresError) in try LibPQ() }

    static func load() throws(PostgresError) -> LibPQ { try loading.get() }

    private init() throws(PostgresError) {
        // Lazy: most of libpq's dependencies bind eagerly anyway (BIND_NOW), the others need not.
        // Never closed: libpq stays loaded for the life of the process.
        let location = plan_libpq_locate()
        let path = String(cString: location.path)
        guard let handle = dlopen(location.path, RTLD_LAZY | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            throw PostgresError(
                kind: .connection,
                message: "could not load PostgreSQL's client library \(path) (\(reason)); \(Self.remedy(for: location.origin))")
        }
        func symbol<Function>(_ name: String) throws(PostgresError) -> Function {
            guard let address = dlsym(handle, name) else {
                throw PostgresError(
                    kind: .connection, message: "\(path) does not export \(name): it is not a usable libpq")
            }
            return unsafeBitCast(address, to: Function.self)
        }
        connectdbParams = try symbol("PQconnectdbParams")
        status = try symbol("PQstatus")
        errorMessage = try symbol("PQerrorMessage")
        finish = try symbol("PQfinish")
        setNoticeReceiver = try symbol("PQsetNoticeReceiver")
        exec = try symbol("PQexec")
        execParams = try symbol("PQexecParams")
        sendQuery = try symbol("PQsendQuery")
        getResult = try symbol("PQgetResult")
        resultStatus = try symbol("PQresultStatus")
        transactionStatus = try symbol("PQtransactionStatus")
        serverVersion = try symbol("PQserverVersion")
        backendPID = try symbol("PQbackendPID")
        getCancel = try symbol("PQgetCancel")
        cmdStatus = try symbol("PQcmdStatus")
        ntuples = try symbol("PQntuples")
        nfields = try symbol("PQnfields")
        fname = try symbol("PQfname")
        getisnull = try symbol("PQgetisnull")
        getvalue = try symbol("PQgetvalue")
        getlength = try symbol("PQgetlength")
        resultErrorField = try symbol("PQresultErrorField")
        clear = try symbol("PQclear")
        freeCancel = try symbol("PQfreeCancel")
        cancel = try symbol("PQcancel")
        pipeline =
            if let sendQueryParams = dlsym(handle, "PQsendQueryParams"), let enter = dlsym(handle, "PQenterPipelineMode"),
                let exit = dlsym(handle, "PQexitPipelineMode"), let sync = dlsym(handle, "PQpipelineSync")
            {
                Pipeline(
                    sendQueryParams: unsafeBitCast(sendQueryParams, to: plan_PQsendQueryParams_fn.self),
                    enter: unsafeBitCast(enter, to: plan_PQenterPipelineMode_fn.self),
                    exit: unsafeBitCast(exit, to: plan_PQexitPipelineMode_fn.self),
                    sync: unsafeBitCast(sync, to: plan_PQpipelineSync_fn.self))
            } else {
                nil
            }
    }
}
