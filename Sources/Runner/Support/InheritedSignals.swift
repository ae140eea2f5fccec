import Glibc

/// Signal state a process inherits survives exec: a parent (a CI runner, a supervisor, a shell
/// script with `trap '' CHLD`) can start plan with SIGCHLD ignored — then the system reaps exec
/// steps' children itself, waitpid answers ECHILD and an exec step never saw its child end — or
/// with SIGTERM blocked. plan resets them at start, before any thread exists (issue 19, item 4).
public enum InheritedSignals {
    public static func reset() {
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        for number in [SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2] {
            signal(number, SIG_DFL)
        }
    }
}
