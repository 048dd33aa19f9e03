// cerite simulated board: the Verilated SoC (module cerite_soc) with its UART pins bridged to
// stdin/stdout, so the host driver talks to it exactly as to a real board's serial port.
//
// Bytes read from stdin are sent to uart_rx bit by bit (8N1, `--divisor` cycles per bit, back to
// back); uart_tx is sampled in the middle of each bit and the received bytes are written to
// stdout. When the SoC reports `idle`, no input is pending and the line has been quiet for
// `--linger` cycles, the board blocks in poll() until the host sends more: simulated time stands
// still and no CPU is used. The board exits when stdin closes (or on SIGTERM, SIGINT or SIGHUP)
// and then prints
//     cerite-board: cycles=N busy_s=S wall_s=W
// on stderr (busy_s: wall time spent simulating; N / busy_s is the simulation speed).
//
// Options: --divisor N (required), --linger N (default 256), --trace FILE (builds with
// -DCERITE_TRACE only: VCD of the whole run), --mem-latency N (default 1; boards with a table
// memory only), --coverage FILE (coverage builds only, VM_COVERAGE: Verilator's line and toggle
// counters are written to FILE when the board exits, however it was asked to).
//
// Table memory: a SoC with an external MMU table memory (the `table_*` ports; built with
// -DCERITE_TABLE_WORDS=N, N 64-bit words) gets it from this main, a zero-initialised array of N
// words. A request the SoC presents in a cycle (table_re: read word table_addr; table_we: write
// the 32-bit halves of table_wdata that table_wmask selects) takes effect at that cycle's rising
// edge; read data comes back on table_rdata with table_rvalid during the cycle `--mem-latency`
// cycles later, in request order.

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "Vcerite_soc.h"
#include "verilated.h"
#ifdef CERITE_TRACE
#include "verilated_vcd_c.h"
#endif

namespace {

// Set by SIGTERM, SIGINT and SIGHUP: the main loop stops as if stdin had closed, so a board that
// is asked to stop still writes its coverage and statistics.
volatile std::sig_atomic_t stop_requested = 0;

extern "C" void request_stop(int) { stop_requested = 1; }

struct Board {
    VerilatedContext context;
    Vcerite_soc top{&context};
#ifdef CERITE_TRACE
    VerilatedVcdC* trace = nullptr;
#endif
    unsigned divisor = 4;
    uint64_t cycles = 0;

    // Host -> device: the byte queue and the bit being driven on uart_rx.
    std::deque<uint8_t> rx_queue;
    bool rx_active = false;
    unsigned rx_bit = 0;       // 0: start bit, 1..8: data, 9: stop bit
    unsigned rx_left = 0;      // cycles left in the current bit
    uint16_t rx_frame = 0;

    // Device -> host: a receiver sampling uart_tx in the middle of each bit.
    enum { TX_IDLE, TX_START, TX_DATA, TX_STOP } tx_state = TX_IDLE;
    unsigned tx_left = 0, tx_bit = 0;
    uint8_t tx_byte = 0;
    uint64_t tx_framing_errors = 0;
    std::vector<uint8_t> out;

#ifdef CERITE_TABLE_WORDS
    // The table memory and its read pipeline (slot pipe_head + i: data due i cycles from now).
    uint64_t* table = nullptr;
    unsigned mem_latency = 1, pipe_head = 0;
    std::vector<uint64_t> pipe_data;
    std::vector<uint8_t> pipe_valid;
    uint64_t table_reads = 0, table_writes = 0;

    void serve_table() {
        // the request the SoC presents this cycle (sampled before the rising edge)
        const bool re = top.table_re & 1, we = top.table_we & 1;
        const uint64_t addr = static_cast<uint64_t>(top.table_addr) % CERITE_TABLE_WORDS;
        const uint64_t wdata = top.table_wdata;
        const unsigned wmask = top.table_wmask & 3;
        uint64_t data = 0;
        if (re) {
            data = table[addr];
            ++table_reads;
        }
        if (we) {
            uint64_t keep = 0;
            if (!(wmask & 1)) keep |= 0xFFFFFFFFull;
            if (!(wmask & 2)) keep |= 0xFFFFFFFFull << 32;
            table[addr] = (table[addr] & keep) | (wdata & ~keep);
            ++table_writes;
        }
        // a ring: advance one cycle; the new read lands mem_latency - 1 slots ahead of the head
        pipe_head = (pipe_head + 1) % mem_latency;
        const unsigned slot = (pipe_head + mem_latency - 1) % mem_latency;
        pipe_data[slot] = data;
        pipe_valid[slot] = re;
    }

    void drive_table() {
        top.table_rvalid = pipe_valid[pipe_head];
        top.table_rdata = pipe_data[pipe_head];
    }
#endif

    void half_cycles() {
        top.clk = 0;
        top.eval();
#ifdef CERITE_TRACE
        if (trace) trace->dump(context.time());
#endif
        context.timeInc(1);
#ifdef CERITE_TABLE_WORDS
        serve_table();
#endif
        top.clk = 1;
        top.eval();
#ifdef CERITE_TABLE_WORDS
        drive_table();
#endif
#ifdef CERITE_TRACE
        if (trace) trace->dump(context.time());
#endif
        context.timeInc(1);
    }

    void drive_rx() {
        if (rx_active && --rx_left == 0) {
            if (++rx_bit == 10) {
                rx_active = false;
            } else {
                rx_left = divisor;
            }
        }
        if (!rx_active && !rx_queue.empty()) {
            rx_frame = static_cast<uint16_t>((1u << 9) | (rx_queue.front() << 1));
            rx_queue.pop_front();
            rx_active = true;
            rx_bit = 0;
            rx_left = divisor;
        }
        top.uart_rx = rx_active ? (rx_frame >> rx_bit) & 1 : 1;
    }

    void sample_tx() {
        const unsigned line = top.uart_tx & 1;
        switch (tx_state) {
        case TX_IDLE:
            if (!line) {
                tx_state = TX_START;
                tx_left = divisor / 2;
            }
            break;
        case TX_START:
            if (--tx_left == 0) {
                if (line) {
                    tx_state = TX_IDLE;
                } else {
                    tx_state = TX_DATA;
                    tx_left = divisor;
                    tx_bit = 0;
                    tx_byte = 0;
                }
            }
            break;
        case TX_DATA:
            if (--tx_left == 0) {
                tx_byte |= static_cast<uint8_t>(line << tx_bit);
                tx_left = divisor;
                if (++tx_bit == 8) tx_state = TX_STOP;
            }
            break;
        case TX_STOP:
            if (--tx_left == 0) {
                if (line) {
                    out.push_back(tx_byte);
                } else {
                    ++tx_framing_errors;
                }
                tx_state = TX_IDLE;
            }
            break;
        }
    }

    void step() {
        drive_rx();
        half_cycles();
        sample_tx();
        ++cycles;
    }

    bool line_quiet() const {
        return rx_queue.empty() && !rx_active && tx_state == TX_IDLE;
    }
};

bool write_all(int fd, const uint8_t* data, size_t size) {
    while (size) {
        ssize_t n = write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                struct pollfd p = {fd, POLLOUT, 0};
                poll(&p, 1, -1);
                continue;
            }
            return false;
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

[[noreturn]] void usage(const char* message) {
    std::fprintf(stderr, "cerite-board: %s\nusage: cerite-board --divisor N [--linger N] "
                 "[--trace FILE] [--mem-latency N] [--coverage FILE]\n", message);
    std::exit(2);
}

unsigned parse_unsigned(const char* text, const char* what) {
    char* end = nullptr;
    unsigned long value = std::strtoul(text, &end, 10);
    if (!*text || *end || value == 0 || value > 1000000000ul) usage(what);
    return static_cast<unsigned>(value);
}

}  // namespace

int main(int argc, char** argv) {
    unsigned divisor = 0, linger = 256, mem_latency = 1;
    const char* trace_path = nullptr;
    const char* coverage_path = nullptr;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (i + 1 >= argc) usage(("missing value after " + arg).c_str());
        if (arg == "--divisor") {
            divisor = parse_unsigned(argv[++i], "--divisor must be a positive integer");
        } else if (arg == "--linger") {
            linger = parse_unsigned(argv[++i], "--linger must be a positive integer");
        } else if (arg == "--mem-latency") {
            mem_latency = parse_unsigned(argv[++i], "--mem-latency must be a positive integer");
            if (mem_latency > 64) usage("--mem-latency must be at most 64");
        } else if (arg == "--trace") {
            trace_path = argv[++i];
        } else if (arg == "--coverage") {
            coverage_path = argv[++i];
        } else {
            usage(("unknown option " + arg).c_str());
        }
    }
    if (divisor < 4) usage("--divisor must be at least 4");
    signal(SIGPIPE, SIG_IGN);
#if VM_COVERAGE
    if (!coverage_path) usage("a coverage build needs --coverage FILE");
#else
    if (coverage_path) usage("--coverage needs a board built with coverage");
#endif
    {
        struct sigaction action = {};
        action.sa_handler = request_stop;  // no SA_RESTART: poll() returns EINTR
        sigemptyset(&action.sa_mask);
        sigaction(SIGTERM, &action, nullptr);
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGHUP, &action, nullptr);
    }

    static Board board;
    board.divisor = divisor;
#ifdef CERITE_TABLE_WORDS
    board.table = static_cast<uint64_t*>(std::calloc(CERITE_TABLE_WORDS, sizeof(uint64_t)));
    if (!board.table) usage("cannot allocate the table memory");
    board.mem_latency = mem_latency;
    board.pipe_data.assign(mem_latency, 0);
    board.pipe_valid.assign(mem_latency, 0);
#else
    if (mem_latency != 1) usage("--mem-latency needs a board with a table memory");
#endif
#ifdef CERITE_TRACE
    VerilatedVcdC vcd;
    if (trace_path) {
        board.context.traceEverOn(true);
        board.top.trace(&vcd, 99);
        vcd.open(trace_path);
        board.trace = &vcd;
    }
#else
    if (trace_path) usage("--trace needs a board built with tracing");
#endif

    using clock = std::chrono::steady_clock;
    const auto started = clock::now();
    clock::duration busy{};

    board.top.uart_rx = 1;
    board.top.rst = 1;
    for (int i = 0; i < 4; ++i) board.step();
    board.top.rst = 0;

    uint64_t quiet_cycles = 0;
    uint8_t buffer[65536];
    bool ok = true;
    while (!stop_requested) {
        const bool quiet = board.line_quiet() && quiet_cycles >= linger;
        if (quiet && !board.out.empty()) {
            if (!write_all(1, board.out.data(), board.out.size())) { ok = false; break; }
            board.out.clear();
        }
        struct pollfd p = {0, POLLIN, 0};
        int ready = poll(&p, 1, quiet ? -1 : 0);
        if (ready < 0 && errno != EINTR) break;
        if (stop_requested) break;
        if (ready > 0) {
            ssize_t n = read(0, buffer, sizeof buffer);
            if (n == 0) break;  // the host closed the pipe
            if (n < 0 && errno != EINTR && errno != EAGAIN) break;
            if (n > 0) {
                board.rx_queue.insert(board.rx_queue.end(), buffer, buffer + n);
                quiet_cycles = 0;
            }
        }
        if (board.line_quiet() && quiet_cycles >= linger) continue;
        const auto t0 = clock::now();
        for (int i = 0; i < 4096 && !stop_requested; ++i) {
            board.step();
            if (board.top.idle && board.line_quiet()) {
                if (++quiet_cycles >= linger) break;
            } else {
                quiet_cycles = 0;
            }
        }
        busy += clock::now() - t0;
        if (!board.out.empty()) {
            if (!write_all(1, board.out.data(), board.out.size())) { ok = false; break; }
            board.out.clear();
        }
    }
    if (ok && !board.out.empty()) write_all(1, board.out.data(), board.out.size());
    board.top.final();
#ifdef CERITE_TRACE
    if (board.trace) vcd.close();
#endif
#if VM_COVERAGE
    board.context.coveragep()->write(coverage_path);
#endif
    const double wall = std::chrono::duration<double>(clock::now() - started).count();
    const double busy_s = std::chrono::duration<double>(busy).count();
    std::fprintf(stderr, "cerite-board: cycles=%llu busy_s=%.6f wall_s=%.6f\n",
                 static_cast<unsigned long long>(board.cycles), busy_s, wall);
#ifdef CERITE_TABLE_WORDS
    std::fprintf(stderr, "cerite-board: table_reads=%llu table_writes=%llu\n",
                 static_cast<unsigned long long>(board.table_reads),
                 static_cast<unsigned long long>(board.table_writes));
#endif
    if (board.tx_framing_errors) {
        std::fprintf(stderr, "cerite-board: %llu framing errors on uart_tx\n",
                     static_cast<unsigned long long>(board.tx_framing_errors));
    }
    return 0;
}
