import ServiceLifecycle
import UsherControl

/// Keeps the control socket open until the group shuts down, then says goodbye to every client
/// and removes the socket.
struct ControlSocketService: Service {
    let control: ControlServer

    func run() async throws {
        try? await gracefulShutdown()
        await control.close(reason: "usher stopped")
    }
}
