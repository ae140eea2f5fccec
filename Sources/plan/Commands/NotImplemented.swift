import ArgumentParser

struct NotImplemented: Error, CustomStringConvertible {
    var command: String
    var description: String { "plan \(command): not implemented yet" }
}
