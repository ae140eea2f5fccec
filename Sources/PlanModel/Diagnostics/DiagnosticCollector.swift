/// Collects every diagnostic of one load. A class so that the decoders of nested nodes can all
/// report into it without threading `inout` through every call; it never leaves one load.
final class DiagnosticCollector {
    private(set) var diagnostics: [Diagnostic] = []
    /// The `uses:` chain that reached the file being decoded, outermost first; every diagnostic
    /// reported while it is set gets it as notes, so an error deep in an include says how it got there.
    var includeChain: [SourceLocation] = []

    var hasErrors: Bool { diagnostics.hasErrors }

    func report(_ message: DiagnosticMessage, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        let chainNotes = includeChain.reversed().map {
            Diagnostic.Note(message: DiagnosticMessage.includedFromHere.text, location: $0)
        }
        diagnostics.append(Diagnostic(message, at: location, notes: notes + chainNotes))
    }

    func append(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }
}
