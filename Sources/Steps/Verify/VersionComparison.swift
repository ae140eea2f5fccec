import PlanModel

/// Extension versions compared as people mean them: numerically by dot-separated components, so
/// 0.10.0 > 0.9.1 and 0.8 == 0.8.0. A component's leading digits count (`1beta` is 1); a missing
/// component is 0.
enum VersionComparison {
    static func compare(_ observed: String, _ comparison: VerifyCheck.Comparison, _ expected: String) -> Bool {
        let order = numericOrder(components(observed), components(expected))
        return comparison.holds(for: order)
    }

    static func components(_ version: String) -> [Int] {
        version.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "_" }).map { part in
            Int(part.prefix(while: \.isNumber)) ?? 0
        }
    }

    /// -1, 0 or 1, as `a` is below, equal to or above `b`.
    static func numericOrder(_ a: [Int], _ b: [Int]) -> Int {
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? a[index] : 0
            let right = index < b.count ? b[index] : 0
            if left != right { return left < right ? -1 : 1 }
        }
        return 0
    }
}

extension VerifyCheck.Comparison {
    /// Whether the comparison holds, given how the observed value orders against the expected
    /// one (-1 below, 0 equal, 1 above).
    func holds(for order: Int) -> Bool {
        switch self {
        case .equal: order == 0
        case .notEqual: order != 0
        case .less: order < 0
        case .lessOrEqual: order <= 0
        case .greater: order > 0
        case .greaterOrEqual: order >= 0
        }
    }

    var isOrdering: Bool { self != .equal && self != .notEqual }
}
