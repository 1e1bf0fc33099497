#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a `pthread_mutex_t`. Used instead of `Synchronization.Mutex`, whose
/// Linux implementation (futex calls inside the uninstrumented standard library) is invisible
/// to ThreadSanitizer, which then reports races between correctly locked accesses; pthread
/// mutexes are intercepted, so the sanitizer runs stay meaningful.
///
/// Thread: any. The body runs with the lock held: keep it short and never call back into
/// something that takes the same lock.
final class PThreadMutex<Value>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var value: Value

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&value)
    }
}
