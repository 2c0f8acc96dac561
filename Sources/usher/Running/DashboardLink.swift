import NIOCore
import UsherControl
import UsherDashboard
import UsherWire

/// The dashboard's two connections to a daemon's control socket: a subscription that posts
/// every line to the inbox, and a command connection that sends decisions one at a time.
/// `usher run` and `usher top` both use it, so the dashboard sees the daemon only through the
/// control protocol.
enum DashboardLink {
    /// Subscribes and posts until the daemon says goodbye or the connection breaks; posts
    /// `.disconnected` at the end. With `reconnecting`, then tries again every second, and
    /// once a daemon answers on the socket posts its hello and a fresh snapshot. A subscription
    /// the daemon cut off because the dashboard fell behind (`lagging`) is taken again at once,
    /// reconnecting or not. Returns when the task is cancelled.
    /// Every input posted also goes to `recorder` (`usher top --record`).
    static func subscribe(
        path: String, group: any EventLoopGroup, inbox: Inbox, reconnecting: Bool, recorder: StreamRecorder? = nil
    ) async {
        let post: @Sendable (DashboardInput) -> Void = { input in
            recorder?.record(input)
            inbox.post(input)
        }
        var ending = await subscribeOnce(path: path, group: group, inbox: inbox, post: post)
        while ending == .lagging || reconnecting, !Task.isCancelled {
            if ending != .lagging {
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
            }
            ending = await subscribeOnce(path: path, group: group, inbox: inbox, post: post)
        }
    }

    /// How a subscription ended.
    private enum Ending {
        /// The daemon cut it off for falling behind; it is still there.
        case lagging
        /// Goodbye, a broken connection, or cancellation.
        case other
    }

    private static func subscribeOnce(
        path: String, group: any EventLoopGroup, inbox: Inbox, post: @Sendable (DashboardInput) -> Void
    ) async -> Ending {
        do {
            let ending = try await ControlClient.withConnection(to: path, group: group) { connection -> Ending in
                post(.hello(try await connection.hello()))
                post(.message(.snapshot(try await connection.subscribe(host: true))))
                while let line = try await connection.next() {
                    post(.message(line.message))
                    if case .bye = line.message { break }
                    if case .error(let error) = line.message, error.code == .lagging { return .lagging }
                    while inbox.isFull, !Task.isCancelled { try await Task.sleep(for: .milliseconds(10)) }
                }
                return .other
            }
            if ending == .other { post(.disconnected("usher closed the control connection")) }
            return ending
        } catch is CancellationError {
            return .other
        } catch {
            post(.disconnected(Self.reason(error)))
            return .other
        }
    }

    /// Sends each request of `requests` (decisions, journal reads) and posts its answer, until
    /// the stream ends. A connection the daemon closed while it was idle (it sent nothing for
    /// minutes: the operator was watching) is opened again and the request sent on the new one;
    /// any other break fails the request it was sending, and the next one connects again.
    static func send(
        path: String, group: any EventLoopGroup, requests: AsyncStream<DaemonRequest>, inbox: Inbox
    ) async {
        var iterator = requests.makeAsyncIterator()
        var pending = await iterator.next()
        var retried: DaemonRequest?
        while let first = pending {
            var current = first
            do {
                try await ControlClient.withConnection(to: path, group: group) { connection in
                    var next: DaemonRequest? = first
                    while let request = next {
                        current = request
                        inbox.post(try await answer(request, on: connection))
                        next = await iterator.next()
                    }
                }
                return
            } catch {
                if retried != current, Self.closedWhileIdle(error) {
                    retried = current
                    pending = current
                    continue
                }
                inbox.post(failure(of: current, Self.reason(error)))
                pending = await iterator.next()
            }
        }
    }

    /// The daemon had closed the connection for idleness before the request came: it was not
    /// read, so sending it again decides nothing twice. (Any other break is not retried: the
    /// request may have been carried out, or the daemon may be another one by now.)
    private static func closedWhileIdle(_ error: any Error) -> Bool {
        guard case .refused(let refusal)? = error as? ControlClientError else { return false }
        return refusal.code == .idleTimeout
    }

    private static func answer(_ request: DaemonRequest, on connection: ControlClient) async throws -> DashboardInput {
        switch request {
        case .decide(let operation):
            return .decided(try await connection.decide(operation))
        case .readJournal(let page):
            do {
                return .journal(try await connection.journal(page), for: page)
            } catch ControlClientError.refused(let error) {
                // The daemon keeps no journal: an answer, not a broken connection.
                return .journalFailed(error.message, for: page)
            }
        }
    }

    private static func failure(of request: DaemonRequest, _ reason: String) -> DashboardInput {
        switch request {
        case .decide: .decisionFailed(reason)
        case .readJournal(let page): .journalFailed(reason, for: page)
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? ControlClientError { return error.description }
        return "\(error)"
    }
}
