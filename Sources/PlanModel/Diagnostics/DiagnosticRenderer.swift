/// Renders diagnostics for people (`file:line:column: error: message`, optionally with the
/// source line and a caret under the column) and for GitHub Actions annotations.
public struct DiagnosticRenderer: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, github
    }

    public var format: Format
    /// Show the offending source line and a caret under it (for terminals).
    public var showsSource: Bool
    public var sources: [String: SourceText]

    public init(format: Format = .text, showsSource: Bool = false, sources: [String: SourceText] = [:]) {
        self.format = format
        self.showsSource = showsSource
        self.sources = sources
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    /// One diagnostic, newline-terminated.
    public func render(_ diagnostic: Diagnostic) -> String {
        switch format {
        case .text: text(diagnostic)
        case .github: github(diagnostic)
        }
    }

    private func position(_ location: SourceLocation) -> String {
        location.line > 0 ? "\(location.file):\(location.line):\(location.column)" : location.file
    }

    private func text(_ diagnostic: Diagnostic) -> String {
        // The code last, where it does not get in the way of reading (`… [unknown-key]`).
        var output = "\(position(diagnostic.location)): \(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.code)]\n"
        output += sourceExcerpt(diagnostic.location)
        for note in diagnostic.notes {
            if let location = note.location {
                output += "\(position(location)): note: \(note.message)\n"
                output += sourceExcerpt(location)
            } else {
                output += "note: \(note.message)\n"
            }
        }
        return output
    }

    /// The source line and a caret; tabs before the column are kept so the caret lines up.
    private func sourceExcerpt(_ location: SourceLocation) -> String {
        guard showsSource, location.line > 0, let line = sources[location.file]?.line(location.line) else { return "" }
        let prefix = line.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        return "\(line)\n\(prefix)^\n"
    }

    /// `::error file=F,line=L,col=C::message`, with notes folded into the message because an
    /// annotation has one location.
    private func github(_ diagnostic: Diagnostic) -> String {
        let level: GitHubAnnotation.Level =
            diagnostic.severity == .error ? .error : (diagnostic.severity == .warning ? .warning : .notice)
        var message = diagnostic.message
        for note in diagnostic.notes {
            message += "\n" + (note.location.map { "\(position($0)): " } ?? "") + note.message
        }
        let location = diagnostic.location
        return GitHubAnnotation(
            level, message, file: location.file, line: max(0, location.line), column: location.line > 0 ? location.column : 0,
            title: "plan: \(diagnostic.code)"
        ).rendered
    }
}
