/// How many client connections fit the open-file limit.
///
/// A held request uses one file descriptor; once accepted it needs one more for the upstream
/// (and one more for the built-in demo upstream, which lives in the same process). If held
/// connections could use up the open-file limit, none of them could connect upstream and the
/// gate would stall. The connection limit is therefore fitted so that every connection has
/// room for its upstream, after a reserve for listeners, logs, the control plane, the event
/// loops and the descriptors of connections that are closing (at least 24, at most 64).
package enum DescriptorBudget {
    /// The most client connections for `openFileLimit` descriptors (at least 1).
    package static func maxConnections(openFileLimit: Int, descriptorsPerConnection: Int) -> Int {
        let reserve = min(64, max(24, openFileLimit / 4))
        return max(1, (openFileLimit - reserve) / max(1, descriptorsPerConnection))
    }
}
