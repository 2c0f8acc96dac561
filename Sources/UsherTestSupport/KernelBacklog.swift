/// What the kernel says about a listening socket, read with `ss` (iproute2).
public enum KernelBacklog {
    /// The accept-queue depth (`Recv-Q`) and limit (`Send-Q`) of the TCP listener on `port`, as
    /// `ss -ltnH 'sport = :PORT'` prints them; `nil` when nothing listens there.
    public static func queue(port: Int) async throws -> (depth: Int, limit: Int)? {
        let output = try await ProcessRunner.run("ss", ["-ltnH", "sport = :\(port)"])
        for line in output.standardOutput.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 4, fields[0] == "LISTEN", let depth = Int(fields[1]), let limit = Int(fields[2])
            else { continue }
            return (depth, limit)
        }
        return nil
    }
}
