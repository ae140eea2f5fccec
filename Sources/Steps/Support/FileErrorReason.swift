import FoundationEssentials
import Glibc

extension Error {
    /// Why a file operation failed, in a few words a message can carry ("permission denied"):
    /// the system's words for the errno underneath, since FoundationEssentials' `CocoaError` has
    /// no localized description, only a dump of its user info. Anything else describes itself.
    var fileErrorReason: String {
        let code: Int32
        switch self {
        case let error as POSIXError: code = error.code.rawValue
        case let error as CocoaError:
            guard let underlying = error.underlying as? POSIXError else { return String(describing: self) }
            code = underlying.code.rawValue
        default: return String(describing: self)
        }
        let words = String(cString: strerror(code))
        // strerror capitalises its sentence ("Permission denied"); here it continues one.
        return words.prefix(1).lowercased() + words.dropFirst()
    }
}
