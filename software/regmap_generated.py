"""Host register map of the cerite SoC, one entry per profile.

generated — do not edit: written by cerite.regmap.write_regmap() from the Amaranth
register definitions (cerite.hw.soc.top.SoC and its units); tests/test_soc_regmap.py
fails when it is stale.
"""

#: The identification block's magic number (ASCII 'CERI').
MAGIC = 0x43455249
#: (major, minor) version of the SoC and identification format.
VERSION = (1, 0)
#: Word address of the identification block and the offsets of its fixed header.
IDENT_BASE = 0x0000
IDENT_HEADER = {'magic': 0, 'version': 1, 'profile': 2, 'map_hash': 0x0003}

#: profile -> code, parameters the device must report, info registers, clusters ->
#: registers (absolute word addresses) -> fields.
PROFILES = {
    'full': {
        'code': 1,
        'desc': (
            'ECP5 boards (ULX3S-85F): 4096-word bursts, the NTT array with two lanes (the most the '
            'yowasp nextpnr routes beside the full MMU)'
        ),
        'addr_width': 16,
        'map_hash': 0xf1bd4187,
        'parameters': {
            'link_max_burst': 4096,
            'link_addr_width': 16,
            'scratch_depth': 4096,
            'ntt_log_n': 10,
            'ntt_width': 28,
            'ntt_lanes': 2,
            'ntt_reducer': 0,
            'ntt_pipeline_depth': 3,
            'ntt_slots': 2,
            'ntt_dsp_width': 18,
            'ntt_latency': 16,
            'mmu_tlb_entries': 16,
            'mmu_lwc_entries': 16,
            'mmu_asid_bits': 16,
            'mmu_pa_bits': 56,
            'mmu_counter_bits': 32,
            'mmu_serial_multiplier': 0,
            'mmu_learned_walk': 1,
            'mmu_mem_base': 1048576,
            'mmu_mem_bytes': 131072,
            'mmu_queue_depth': 256,
        },
        'info': ['clk_freq', 'uart_divisor', 'frame_timeout', 'bus_timeout'],
        'clusters': {
            'ident': {
                'base': 0x0000,
                'size': 0x0020,
                'desc': 'Identification: what design this is',
                'registers': {
                    'magic': {
                        'address': 0x0000,
                        'kind': 'register',
                        'desc': "Magic number, ASCII 'CERI': a cerite SoC",
                        'fields': {
                            'magic': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': "Magic number, ASCII 'CERI': a cerite SoC",
                                'value': 0x43455249,
                            },
                        },
                    },
                    'version': {
                        'address': 0x0001,
                        'kind': 'register',
                        'desc': 'Version of the SoC and identification format',
                        'fields': {
                            'minor': {
                                'bit': 0,
                                'width': 16,
                                'access': 'const',
                                'desc': 'Minor version: compatible additions',
                                'value': 0,
                            },
                            'major': {
                                'bit': 16,
                                'width': 16,
                                'access': 'const',
                                'desc': 'Major version: incompatible changes',
                                'value': 1,
                            },
                        },
                    },
                    'profile': {
                        'address': 0x0002,
                        'kind': 'register',
                        'desc': 'Code of the SoC profile the design was built for',
                        'fields': {
                            'profile': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Code of the SoC profile the design was built for',
                                'value': 1,
                            },
                        },
                    },
                    'map_hash': {
                        'address': 0x0003,
                        'kind': 'register',
                        'desc': 'Hash of the register map layout and the parameter values',
                        'fields': {
                            'map_hash': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Hash of the register map layout and the parameter values',
                                'value': 0xf1bd4187,
                            },
                        },
                    },
                    'clk_freq': {
                        'address': 0x0004,
                        'kind': 'register',
                        'desc': 'Core clock frequency in Hz',
                        'fields': {
                            'clk_freq': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Core clock frequency in Hz',
                            },
                        },
                    },
                    'uart_divisor': {
                        'address': 0x0005,
                        'kind': 'register',
                        'desc': 'Clock cycles per UART bit',
                        'fields': {
                            'uart_divisor': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Clock cycles per UART bit',
                            },
                        },
                    },
                    'frame_timeout': {
                        'address': 0x0006,
                        'kind': 'register',
                        'desc': 'Cycles without a byte that drop a partly received request',
                        'fields': {
                            'frame_timeout': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Cycles without a byte that drop a partly received request',
                            },
                        },
                    },
                    'bus_timeout': {
                        'address': 0x0007,
                        'kind': 'register',
                        'desc': 'Cycles a bus access may take',
                        'fields': {
                            'bus_timeout': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Cycles a bus access may take',
                            },
                        },
                    },
                    'link_max_burst': {
                        'address': 0x0008,
                        'kind': 'register',
                        'desc': 'Words per host-link request',
                        'fields': {
                            'link_max_burst': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Words per host-link request',
                                'value': 0x1000,
                            },
                        },
                    },
                    'link_addr_width': {
                        'address': 0x0009,
                        'kind': 'register',
                        'desc': 'Word address bits of the internal bus',
                        'fields': {
                            'link_addr_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Word address bits of the internal bus',
                                'value': 16,
                            },
                        },
                    },
                    'scratch_depth': {
                        'address': 0x000a,
                        'kind': 'register',
                        'desc': 'Words of scratch RAM behind the ram_data window',
                        'fields': {
                            'scratch_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Words of scratch RAM behind the ram_data window',
                                'value': 0x1000,
                            },
                        },
                    },
                    'ntt_log_n': {
                        'address': 0x000b,
                        'kind': 'register',
                        'desc': 'log2 of the NTT size N',
                        'fields': {
                            'ntt_log_n': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'log2 of the NTT size N',
                                'value': 10,
                            },
                        },
                    },
                    'ntt_width': {
                        'address': 0x000c,
                        'kind': 'register',
                        'desc': 'Coefficient width in bits; moduli q < 2**width',
                        'fields': {
                            'ntt_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Coefficient width in bits; moduli q < 2**width',
                                'value': 28,
                            },
                        },
                    },
                    'ntt_lanes': {
                        'address': 0x000d,
                        'kind': 'register',
                        'desc': 'Butterflies working in parallel',
                        'fields': {
                            'ntt_lanes': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Butterflies working in parallel',
                                'value': 2,
                            },
                        },
                    },
                    'ntt_reducer': {
                        'address': 0x000e,
                        'kind': 'register',
                        'desc': 'Modular reducer: 0 barrett, 1 montgomery, 2 solinas',
                        'fields': {
                            'ntt_reducer': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Modular reducer: 0 barrett, 1 montgomery, 2 solinas',
                                'value': 0,
                            },
                        },
                    },
                    'ntt_pipeline_depth': {
                        'address': 0x000f,
                        'kind': 'register',
                        'desc': 'Multiplier pipeline depth (cycles)',
                        'fields': {
                            'ntt_pipeline_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Multiplier pipeline depth (cycles)',
                                'value': 3,
                            },
                        },
                    },
                    'ntt_slots': {
                        'address': 0x0010,
                        'kind': 'register',
                        'desc': 'Polynomial slots',
                        'fields': {
                            'ntt_slots': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Polynomial slots',
                                'value': 2,
                            },
                        },
                    },
                    'ntt_dsp_width': {
                        'address': 0x0011,
                        'kind': 'register',
                        'desc': 'Products split into DSP blocks of this width (0: not split)',
                        'fields': {
                            'ntt_dsp_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': (
                                    'Products split into DSP blocks of this width (0: not split)'
                                ),
                                'value': 18,
                            },
                        },
                    },
                    'ntt_latency': {
                        'address': 0x0012,
                        'kind': 'register',
                        'desc': (
                            'L of the cycle counts: the multiplier latency plus what dsp_width '
                            'adds'
                        ),
                        'fields': {
                            'ntt_latency': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': (
                                    'L of the cycle counts: the multiplier latency plus what '
                                    'dsp_width adds'
                                ),
                                'value': 16,
                            },
                        },
                    },
                    'mmu_tlb_entries': {
                        'address': 0x0013,
                        'kind': 'register',
                        'desc': 'TLB entries',
                        'fields': {
                            'mmu_tlb_entries': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'TLB entries',
                                'value': 16,
                            },
                        },
                    },
                    'mmu_lwc_entries': {
                        'address': 0x0014,
                        'kind': 'register',
                        'desc': 'Learned walk cache entries',
                        'fields': {
                            'mmu_lwc_entries': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Learned walk cache entries',
                                'value': 16,
                            },
                        },
                    },
                    'mmu_asid_bits': {
                        'address': 0x0015,
                        'kind': 'register',
                        'desc': 'ASID width',
                        'fields': {
                            'mmu_asid_bits': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'ASID width',
                                'value': 16,
                            },
                        },
                    },
                    'mmu_pa_bits': {
                        'address': 0x0016,
                        'kind': 'register',
                        'desc': 'Physical address width',
                        'fields': {
                            'mmu_pa_bits': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Physical address width',
                                'value': 56,
                            },
                        },
                    },
                    'mmu_counter_bits': {
                        'address': 0x0017,
                        'kind': 'register',
                        'desc': 'Width of every counter',
                        'fields': {
                            'mmu_counter_bits': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Width of every counter',
                                'value': 32,
                            },
                        },
                    },
                    'mmu_serial_multiplier': {
                        'address': 0x0018,
                        'kind': 'register',
                        'desc': '1: shift-add node multiplier; 0: parallel',
                        'fields': {
                            'mmu_serial_multiplier': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': '1: shift-add node multiplier; 0: parallel',
                                'value': 0,
                            },
                        },
                    },
                    'mmu_learned_walk': {
                        'address': 0x0019,
                        'kind': 'register',
                        'desc': '1: learned walk with radix fallback; 0: radix-only MMU',
                        'fields': {
                            'mmu_learned_walk': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': '1: learned walk with radix fallback; 0: radix-only MMU',
                                'value': 1,
                            },
                        },
                    },
                    'mmu_mem_base': {
                        'address': 0x001a,
                        'kind': 'register',
                        'desc': 'Physical byte address of the table RAM',
                        'fields': {
                            'mmu_mem_base': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Physical byte address of the table RAM',
                                'value': 0x100000,
                            },
                        },
                    },
                    'mmu_mem_bytes': {
                        'address': 0x001b,
                        'kind': 'register',
                        'desc': 'Bytes of table RAM',
                        'fields': {
                            'mmu_mem_bytes': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Bytes of table RAM',
                                'value': 0x20000,
                            },
                        },
                    },
                    'mmu_queue_depth': {
                        'address': 0x001c,
                        'kind': 'register',
                        'desc': 'Entries of the request and response queues',
                        'fields': {
                            'mmu_queue_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Entries of the request and response queues',
                                'value': 0x100,
                            },
                        },
                    },
                },
            },
            'scratch': {
                'base': 0x0100,
                'size': 0x0010,
                'desc': 'Test peripheral: scratch registers and RAM',
                'registers': {
                    'value0': {
                        'address': 0x0100,
                        'kind': 'register',
                        'desc': 'Scratch value 0: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value1': {
                        'address': 0x0101,
                        'kind': 'register',
                        'desc': 'Scratch value 1: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value2': {
                        'address': 0x0102,
                        'kind': 'register',
                        'desc': 'Scratch value 2: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value3': {
                        'address': 0x0103,
                        'kind': 'register',
                        'desc': 'Scratch value 3: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'config': {
                        'address': 0x0104,
                        'kind': 'register',
                        'desc': 'Elaborated configuration',
                        'fields': {
                            'depth_log2': {
                                'bit': 0,
                                'width': 5,
                                'access': 'const',
                                'desc': 'log2 of the RAM depth in words',
                                'value': 12,
                            },
                        },
                    },
                    'control': {
                        'address': 0x0105,
                        'kind': 'register',
                        'desc': 'Pulses and a mode',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 increments status.pulses',
                            },
                            'mode': {
                                'bit': 8,
                                'width': 4,
                                'access': 'rw',
                                'desc': 'A stored mode, read back unchanged',
                                'init': 5,
                            },
                        },
                    },
                    'status': {
                        'address': 0x0106,
                        'kind': 'register',
                        'desc': 'Counters',
                        'fields': {
                            'pulses': {
                                'bit': 0,
                                'width': 16,
                                'access': 'r',
                                'desc': 'Number of control.count pulses since reset',
                            },
                        },
                    },
                    'ram_addr': {
                        'address': 0x0107,
                        'kind': 'register',
                        'desc': 'RAM word the next ram_data access uses',
                        'fields': {
                            'addr': {
                                'bit': 0,
                                'width': 16,
                                'access': 'rwu',
                                'desc': 'Word address; each ram_data access advances it',
                            },
                        },
                    },
                    'ram_data': {
                        'address': 0x0108,
                        'kind': 'window',
                        'desc': (
                            'RAM data: a write stores the word at ram_addr, a read returns it; '
                            'either advances ram_addr'
                        ),
                        'width': 32,
                        'read': True,
                        'write': True,
                    },
                },
            },
            'ntt': {
                'base': 0x0200,
                'size': 0x0008,
                'desc': 'NTT butterfly array (negacyclic NTT, one RNS limb at a time)',
                'registers': {
                    'control': {
                        'address': 0x0200,
                        'kind': 'register',
                        'desc': 'Start or abort a command',
                        'fields': {
                            'start': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': (
                                    'Writing 1 starts the command in op, slot_a, slot_b of the '
                                    'same write'
                                ),
                            },
                            'abort': {
                                'bit': 1,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 aborts the running command',
                            },
                            'op': {
                                'bit': 4,
                                'width': 3,
                                'access': 'w',
                                'desc': (
                                    'Operation: 1 LOAD, 2 UNLOAD, 3 NTT, 4 INTT, 5 PWMUL, 6 '
                                    'CONTEXT'
                                ),
                            },
                            'slot_a': {
                                'bit': 8,
                                'width': 4,
                                'access': 'w',
                                'desc': 'First operand and result slot',
                            },
                            'slot_b': {
                                'bit': 12,
                                'width': 4,
                                'access': 'w',
                                'desc': 'Second operand slot (PWMUL)',
                            },
                        },
                    },
                    'status': {
                        'address': 0x0201,
                        'kind': 'register',
                        'desc': 'What the array is doing',
                        'fields': {
                            'busy': {'bit': 0, 'width': 1, 'access': 'r', 'desc': 'A command is running'},
                            'done': {
                                'bit': 1,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The last command completed',
                            },
                            'error': {
                                'bit': 2,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The last command (or a start) failed; see cause',
                            },
                            'cause': {
                                'bit': 4,
                                'width': 3,
                                'access': 'r',
                                'desc': (
                                    '0 none, 1 busy, 2 bad op, 3 bad slot, 4 no context, 5 range, '
                                    '6 context, 7 aborted'
                                ),
                            },
                            'ctx_valid': {
                                'bit': 8,
                                'width': 1,
                                'access': 'r',
                                'desc': 'A valid context is loaded',
                            },
                        },
                    },
                    'cycles': {
                        'address': 0x0202,
                        'kind': 'register',
                        'desc': 'Busy cycles of the last or running command',
                        'fields': {
                            'cycles': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Cycles, saturating'},
                        },
                    },
                    'butterflies_lo': {
                        'address': 0x0203,
                        'kind': 'register',
                        'desc': 'Butterflies since reset, bits 0..31',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Low 32 bits of the butterfly count',
                            },
                        },
                    },
                    'butterflies_hi': {
                        'address': 0x0204,
                        'kind': 'register',
                        'desc': 'Butterflies since reset, bits 32..47',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 16,
                                'access': 'r',
                                'desc': 'High 16 bits of the butterfly count',
                            },
                        },
                    },
                    'info': {
                        'address': 0x0205,
                        'kind': 'register',
                        'desc': 'Elaboration parameters of the array (NTTArray.info_word)',
                        'fields': {
                            'info': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'The info word',
                                'value': 0x5820b8a,
                            },
                        },
                    },
                    'data': {
                        'address': 0x0206,
                        'kind': 'window',
                        'desc': (
                            'Coefficients or context words: a write pushes one into the array '
                            '(LOAD, CONTEXT), a read pops one (UNLOAD)'
                        ),
                        'width': 28,
                        'read': True,
                        'write': True,
                    },
                },
            },
            'mmu': {
                'base': 0x0300,
                'size': 0x0040,
                'desc': 'Learned-translation MMU with its table RAM',
                'registers': {
                    'control': {
                        'address': 0x0300,
                        'kind': 'register',
                        'desc': 'Reset, flush',
                        'fields': {
                            'reset': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 resets the MMU, its queues and counters',
                            },
                            'flush': {
                                'bit': 1,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 queues a flush of kind flush_kind',
                            },
                            'flush_kind': {
                                'bit': 4,
                                'width': 2,
                                'access': 'w',
                                'desc': 'Flush kind: 0 all, 1 by ASID, 2 by VA, 3 by VA and ASID',
                            },
                            'clear': {
                                'bit': 8,
                                'width': 1,
                                'access': 'w1s',
                                'desc': (
                                    'Writing 1 zeroes the table memory below the 64-bit word '
                                    'mem_addr points into, all of it when mem_addr is 0 (one word '
                                    'a cycle; status.clearing meanwhile)'
                                ),
                            },
                        },
                    },
                    'status': {
                        'address': 0x0301,
                        'kind': 'register',
                        'desc': 'Queues and flushes',
                        'fields': {
                            'busy': {
                                'bit': 0,
                                'width': 1,
                                'access': 'r',
                                'desc': 'A request is queued or in translation, or a flush waits',
                            },
                            'flush_pending': {
                                'bit': 1,
                                'width': 1,
                                'access': 'r',
                                'desc': 'A flush waits to be applied',
                            },
                            'flush_lost': {
                                'bit': 2,
                                'width': 1,
                                'access': 'r',
                                'desc': (
                                    'A flush was dropped (one was pending); cleared by '
                                    'control.reset'
                                ),
                            },
                            'req_half': {
                                'bit': 3,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The next req word is the second of a request',
                            },
                            'resp_half': {
                                'bit': 4,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The next resp word is the second of a response',
                            },
                            'clearing': {
                                'bit': 5,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The table RAM is being zeroed',
                            },
                            'resp_level': {
                                'bit': 8,
                                'width': 13,
                                'access': 'r',
                                'desc': 'Responses ready to read',
                            },
                        },
                    },
                    'mode': {
                        'address': 0x0302,
                        'kind': 'register',
                        'desc': 'Walk mode and permission bits',
                        'fields': {
                            'learned': {
                                'bit': 0,
                                'width': 1,
                                'access': 'rw',
                                'desc': (
                                    '1: learned walk first, radix on a miss; 0: radix walk only'
                                ),
                                'init': 0,
                            },
                            'sum': {
                                'bit': 1,
                                'width': 1,
                                'access': 'rw',
                                'desc': 'sstatus.SUM',
                                'init': 0,
                            },
                            'mxr': {
                                'bit': 2,
                                'width': 1,
                                'access': 'rw',
                                'desc': 'sstatus.MXR',
                                'init': 0,
                            },
                        },
                    },
                    'asid': {
                        'address': 0x0303,
                        'kind': 'register',
                        'desc': 'Current address space',
                        'fields': {
                            'asid': {'bit': 0, 'width': 16, 'access': 'rw', 'desc': 'ASID', 'init': 0},
                        },
                    },
                    'satp_ppn_lo': {
                        'address': 0x0304,
                        'kind': 'register',
                        'desc': 'Root table PPN, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'satp.PPN bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'satp_ppn_hi': {
                        'address': 0x0305,
                        'kind': 'register',
                        'desc': 'Root table PPN, bits 32..43',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 12,
                                'access': 'rw',
                                'desc': 'satp.PPN bits 32..43',
                                'init': 0,
                            },
                        },
                    },
                    'pt_base_lo': {
                        'address': 0x0306,
                        'kind': 'register',
                        'desc': 'pt_base (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'pt_base low bits',
                                'init': 0,
                            },
                        },
                    },
                    'pt_base_hi': {
                        'address': 0x0307,
                        'kind': 'register',
                        'desc': 'pt_base (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'pt_base high bits',
                                'init': 0,
                            },
                        },
                    },
                    'pt_limit_lo': {
                        'address': 0x0308,
                        'kind': 'register',
                        'desc': 'pt_limit (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'pt_limit low bits',
                                'init': 0,
                            },
                        },
                    },
                    'pt_limit_hi': {
                        'address': 0x0309,
                        'kind': 'register',
                        'desc': 'pt_limit (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'pt_limit high bits',
                                'init': 0,
                            },
                        },
                    },
                    'index_base_lo': {
                        'address': 0x030a,
                        'kind': 'register',
                        'desc': 'index_base (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'index_base low bits',
                                'init': 0,
                            },
                        },
                    },
                    'index_base_hi': {
                        'address': 0x030b,
                        'kind': 'register',
                        'desc': 'index_base (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'index_base high bits',
                                'init': 0,
                            },
                        },
                    },
                    'index_limit_lo': {
                        'address': 0x030c,
                        'kind': 'register',
                        'desc': 'index_limit (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'index_limit low bits',
                                'init': 0,
                            },
                        },
                    },
                    'index_limit_hi': {
                        'address': 0x030d,
                        'kind': 'register',
                        'desc': 'index_limit (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'index_limit high bits',
                                'init': 0,
                            },
                        },
                    },
                    'level_base1_lo': {
                        'address': 0x030e,
                        'kind': 'register',
                        'desc': 'level_base1 (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'level_base1 low bits',
                                'init': 0,
                            },
                        },
                    },
                    'level_base1_hi': {
                        'address': 0x030f,
                        'kind': 'register',
                        'desc': 'level_base1 (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'level_base1 high bits',
                                'init': 0,
                            },
                        },
                    },
                    'level_base2_lo': {
                        'address': 0x0310,
                        'kind': 'register',
                        'desc': 'level_base2 (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'level_base2 low bits',
                                'init': 0,
                            },
                        },
                    },
                    'level_base2_hi': {
                        'address': 0x0311,
                        'kind': 'register',
                        'desc': 'level_base2 (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'level_base2 high bits',
                                'init': 0,
                            },
                        },
                    },
                    'root0_lo': {
                        'address': 0x0312,
                        'kind': 'register',
                        'desc': 'Root model node word 0, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 0 bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'root0_hi': {
                        'address': 0x0313,
                        'kind': 'register',
                        'desc': 'Root model node word 0, bits 32..63',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 0 bits 32..63',
                                'init': 0,
                            },
                        },
                    },
                    'root1_lo': {
                        'address': 0x0314,
                        'kind': 'register',
                        'desc': 'Root model node word 1, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 1 bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'root1_hi': {
                        'address': 0x0315,
                        'kind': 'register',
                        'desc': 'Root model node word 1, bits 32..63',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 1 bits 32..63',
                                'init': 0,
                            },
                        },
                    },
                    'root2_lo': {
                        'address': 0x0316,
                        'kind': 'register',
                        'desc': 'Root model node word 2, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 2 bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'root2_hi': {
                        'address': 0x0317,
                        'kind': 'register',
                        'desc': 'Root model node word 2, bits 32..63',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 2 bits 32..63',
                                'init': 0,
                            },
                        },
                    },
                    'root3_lo': {
                        'address': 0x0318,
                        'kind': 'register',
                        'desc': 'Root model node word 3, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 3 bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'root3_hi': {
                        'address': 0x0319,
                        'kind': 'register',
                        'desc': 'Root model node word 3, bits 32..63',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 3 bits 32..63',
                                'init': 0,
                            },
                        },
                    },
                    'flush_asid': {
                        'address': 0x031a,
                        'kind': 'register',
                        'desc': 'ASID operand of the next flush',
                        'fields': {
                            'asid': {'bit': 0, 'width': 16, 'access': 'rw', 'desc': 'ASID', 'init': 0},
                        },
                    },
                    'flush_va_lo': {
                        'address': 0x031b,
                        'kind': 'register',
                        'desc': 'VA operand of the next flush, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'va bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'flush_va_hi': {
                        'address': 0x031c,
                        'kind': 'register',
                        'desc': 'VA operand of the next flush, bits 32..38',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 7,
                                'access': 'rw',
                                'desc': 'va bits 32..38',
                                'init': 0,
                            },
                        },
                    },
                    'mem_addr': {
                        'address': 0x031d,
                        'kind': 'register',
                        'desc': 'RAM word (32-bit, from mem_base) the next mem_data access uses',
                        'fields': {
                            'addr': {
                                'bit': 0,
                                'width': 15,
                                'access': 'rwu',
                                'desc': '32-bit word index; each mem_data access advances it',
                            },
                        },
                    },
                    'mem_data': {
                        'address': 0x031e,
                        'kind': 'window',
                        'desc': (
                            'Table RAM: a write stores the 32-bit word at mem_addr, a read returns '
                            'it; either advances mem_addr'
                        ),
                        'width': 32,
                        'read': True,
                        'write': True,
                    },
                    'req': {
                        'address': 0x031f,
                        'kind': 'window',
                        'desc': (
                            'Translation requests, two words each: va[31:0], then va[38:32] | '
                            'access << 8 | user << 10'
                        ),
                        'width': 32,
                        'read': False,
                        'write': True,
                    },
                    'resp': {
                        'address': 0x0320,
                        'kind': 'window',
                        'desc': (
                            'Translation responses, two words each: pa[31:0], then '
                            'pa[pa_bits-1:32] | fault << 24 | size << 26 | source << 28 | 1 << 31'
                        ),
                        'width': 32,
                        'read': True,
                        'write': False,
                    },
                    'counter_requests': {
                        'address': 0x0321,
                        'kind': 'register',
                        'desc': 'Counter requests (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of requests'},
                        },
                    },
                    'counter_tlb_hits': {
                        'address': 0x0322,
                        'kind': 'register',
                        'desc': 'Counter tlb_hits (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of tlb_hits'},
                        },
                    },
                    'counter_walks': {
                        'address': 0x0323,
                        'kind': 'register',
                        'desc': 'Counter walks (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of walks'},
                        },
                    },
                    'counter_lwc_hits': {
                        'address': 0x0324,
                        'kind': 'register',
                        'desc': 'Counter lwc_hits (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of lwc_hits'},
                        },
                    },
                    'counter_lwc_misses': {
                        'address': 0x0325,
                        'kind': 'register',
                        'desc': 'Counter lwc_misses (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of lwc_misses'},
                        },
                    },
                    'counter_learned_hits': {
                        'address': 0x0326,
                        'kind': 'register',
                        'desc': 'Counter learned_hits (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of learned_hits',
                            },
                        },
                    },
                    'counter_learned_single': {
                        'address': 0x0327,
                        'kind': 'register',
                        'desc': 'Counter learned_single (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of learned_single',
                            },
                        },
                    },
                    'counter_learned_fallbacks': {
                        'address': 0x0328,
                        'kind': 'register',
                        'desc': 'Counter learned_fallbacks (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of learned_fallbacks',
                            },
                        },
                    },
                    'counter_faults': {
                        'address': 0x0329,
                        'kind': 'register',
                        'desc': 'Counter faults (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of faults'},
                        },
                    },
                    'counter_reads_node': {
                        'address': 0x032a,
                        'kind': 'register',
                        'desc': 'Counter reads_node (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of reads_node'},
                        },
                    },
                    'counter_reads_gpt': {
                        'address': 0x032b,
                        'kind': 'register',
                        'desc': 'Counter reads_gpt (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of reads_gpt'},
                        },
                    },
                    'counter_reads_radix': {
                        'address': 0x032c,
                        'kind': 'register',
                        'desc': 'Counter reads_radix (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of reads_radix'},
                        },
                    },
                    'counter_walk_cycles_total': {
                        'address': 0x032d,
                        'kind': 'register',
                        'desc': 'Counter walk_cycles_total (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of walk_cycles_total',
                            },
                        },
                    },
                    'counter_walk_cycles_max': {
                        'address': 0x032e,
                        'kind': 'register',
                        'desc': 'Counter walk_cycles_max (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of walk_cycles_max',
                            },
                        },
                    },
                },
            },
        },
    },
    'small': {
        'code': 2,
        'desc': (
            'iCE40UP5K (ICEBreaker), NTT bitstream: 1024-word bursts, the NTT array with 16-bit q, '
            'N = 512, B = 1'
        ),
        'addr_width': 16,
        'map_hash': 0xe4db06c4,
        'parameters': {
            'link_max_burst': 1024,
            'link_addr_width': 16,
            'scratch_depth': 256,
            'ntt_log_n': 9,
            'ntt_width': 16,
            'ntt_lanes': 1,
            'ntt_reducer': 1,
            'ntt_pipeline_depth': 3,
            'ntt_slots': 2,
            'ntt_dsp_width': 0,
            'ntt_latency': 3,
        },
        'info': ['clk_freq', 'uart_divisor', 'frame_timeout', 'bus_timeout'],
        'clusters': {
            'ident': {
                'base': 0x0000,
                'size': 0x0020,
                'desc': 'Identification: what design this is',
                'registers': {
                    'magic': {
                        'address': 0x0000,
                        'kind': 'register',
                        'desc': "Magic number, ASCII 'CERI': a cerite SoC",
                        'fields': {
                            'magic': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': "Magic number, ASCII 'CERI': a cerite SoC",
                                'value': 0x43455249,
                            },
                        },
                    },
                    'version': {
                        'address': 0x0001,
                        'kind': 'register',
                        'desc': 'Version of the SoC and identification format',
                        'fields': {
                            'minor': {
                                'bit': 0,
                                'width': 16,
                                'access': 'const',
                                'desc': 'Minor version: compatible additions',
                                'value': 0,
                            },
                            'major': {
                                'bit': 16,
                                'width': 16,
                                'access': 'const',
                                'desc': 'Major version: incompatible changes',
                                'value': 1,
                            },
                        },
                    },
                    'profile': {
                        'address': 0x0002,
                        'kind': 'register',
                        'desc': 'Code of the SoC profile the design was built for',
                        'fields': {
                            'profile': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Code of the SoC profile the design was built for',
                                'value': 2,
                            },
                        },
                    },
                    'map_hash': {
                        'address': 0x0003,
                        'kind': 'register',
                        'desc': 'Hash of the register map layout and the parameter values',
                        'fields': {
                            'map_hash': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Hash of the register map layout and the parameter values',
                                'value': 0xe4db06c4,
                            },
                        },
                    },
                    'clk_freq': {
                        'address': 0x0004,
                        'kind': 'register',
                        'desc': 'Core clock frequency in Hz',
                        'fields': {
                            'clk_freq': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Core clock frequency in Hz',
                            },
                        },
                    },
                    'uart_divisor': {
                        'address': 0x0005,
                        'kind': 'register',
                        'desc': 'Clock cycles per UART bit',
                        'fields': {
                            'uart_divisor': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Clock cycles per UART bit',
                            },
                        },
                    },
                    'frame_timeout': {
                        'address': 0x0006,
                        'kind': 'register',
                        'desc': 'Cycles without a byte that drop a partly received request',
                        'fields': {
                            'frame_timeout': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Cycles without a byte that drop a partly received request',
                            },
                        },
                    },
                    'bus_timeout': {
                        'address': 0x0007,
                        'kind': 'register',
                        'desc': 'Cycles a bus access may take',
                        'fields': {
                            'bus_timeout': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Cycles a bus access may take',
                            },
                        },
                    },
                    'link_max_burst': {
                        'address': 0x0008,
                        'kind': 'register',
                        'desc': 'Words per host-link request',
                        'fields': {
                            'link_max_burst': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Words per host-link request',
                                'value': 0x400,
                            },
                        },
                    },
                    'link_addr_width': {
                        'address': 0x0009,
                        'kind': 'register',
                        'desc': 'Word address bits of the internal bus',
                        'fields': {
                            'link_addr_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Word address bits of the internal bus',
                                'value': 16,
                            },
                        },
                    },
                    'scratch_depth': {
                        'address': 0x000a,
                        'kind': 'register',
                        'desc': 'Words of scratch RAM behind the ram_data window',
                        'fields': {
                            'scratch_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Words of scratch RAM behind the ram_data window',
                                'value': 0x100,
                            },
                        },
                    },
                    'ntt_log_n': {
                        'address': 0x000b,
                        'kind': 'register',
                        'desc': 'log2 of the NTT size N',
                        'fields': {
                            'ntt_log_n': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'log2 of the NTT size N',
                                'value': 9,
                            },
                        },
                    },
                    'ntt_width': {
                        'address': 0x000c,
                        'kind': 'register',
                        'desc': 'Coefficient width in bits; moduli q < 2**width',
                        'fields': {
                            'ntt_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Coefficient width in bits; moduli q < 2**width',
                                'value': 16,
                            },
                        },
                    },
                    'ntt_lanes': {
                        'address': 0x000d,
                        'kind': 'register',
                        'desc': 'Butterflies working in parallel',
                        'fields': {
                            'ntt_lanes': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Butterflies working in parallel',
                                'value': 1,
                            },
                        },
                    },
                    'ntt_reducer': {
                        'address': 0x000e,
                        'kind': 'register',
                        'desc': 'Modular reducer: 0 barrett, 1 montgomery, 2 solinas',
                        'fields': {
                            'ntt_reducer': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Modular reducer: 0 barrett, 1 montgomery, 2 solinas',
                                'value': 1,
                            },
                        },
                    },
                    'ntt_pipeline_depth': {
                        'address': 0x000f,
                        'kind': 'register',
                        'desc': 'Multiplier pipeline depth (cycles)',
                        'fields': {
                            'ntt_pipeline_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Multiplier pipeline depth (cycles)',
                                'value': 3,
                            },
                        },
                    },
                    'ntt_slots': {
                        'address': 0x0010,
                        'kind': 'register',
                        'desc': 'Polynomial slots',
                        'fields': {
                            'ntt_slots': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Polynomial slots',
                                'value': 2,
                            },
                        },
                    },
                    'ntt_dsp_width': {
                        'address': 0x0011,
                        'kind': 'register',
                        'desc': 'Products split into DSP blocks of this width (0: not split)',
                        'fields': {
                            'ntt_dsp_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': (
                                    'Products split into DSP blocks of this width (0: not split)'
                                ),
                                'value': 0,
                            },
                        },
                    },
                    'ntt_latency': {
                        'address': 0x0012,
                        'kind': 'register',
                        'desc': (
                            'L of the cycle counts: the multiplier latency plus what dsp_width '
                            'adds'
                        ),
                        'fields': {
                            'ntt_latency': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': (
                                    'L of the cycle counts: the multiplier latency plus what '
                                    'dsp_width adds'
                                ),
                                'value': 3,
                            },
                        },
                    },
                },
            },
            'scratch': {
                'base': 0x0100,
                'size': 0x0010,
                'desc': 'Test peripheral: scratch registers and RAM',
                'registers': {
                    'value0': {
                        'address': 0x0100,
                        'kind': 'register',
                        'desc': 'Scratch value 0: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value1': {
                        'address': 0x0101,
                        'kind': 'register',
                        'desc': 'Scratch value 1: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value2': {
                        'address': 0x0102,
                        'kind': 'register',
                        'desc': 'Scratch value 2: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value3': {
                        'address': 0x0103,
                        'kind': 'register',
                        'desc': 'Scratch value 3: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'config': {
                        'address': 0x0104,
                        'kind': 'register',
                        'desc': 'Elaborated configuration',
                        'fields': {
                            'depth_log2': {
                                'bit': 0,
                                'width': 5,
                                'access': 'const',
                                'desc': 'log2 of the RAM depth in words',
                                'value': 8,
                            },
                        },
                    },
                    'control': {
                        'address': 0x0105,
                        'kind': 'register',
                        'desc': 'Pulses and a mode',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 increments status.pulses',
                            },
                            'mode': {
                                'bit': 8,
                                'width': 4,
                                'access': 'rw',
                                'desc': 'A stored mode, read back unchanged',
                                'init': 5,
                            },
                        },
                    },
                    'status': {
                        'address': 0x0106,
                        'kind': 'register',
                        'desc': 'Counters',
                        'fields': {
                            'pulses': {
                                'bit': 0,
                                'width': 16,
                                'access': 'r',
                                'desc': 'Number of control.count pulses since reset',
                            },
                        },
                    },
                    'ram_addr': {
                        'address': 0x0107,
                        'kind': 'register',
                        'desc': 'RAM word the next ram_data access uses',
                        'fields': {
                            'addr': {
                                'bit': 0,
                                'width': 16,
                                'access': 'rwu',
                                'desc': 'Word address; each ram_data access advances it',
                            },
                        },
                    },
                    'ram_data': {
                        'address': 0x0108,
                        'kind': 'window',
                        'desc': (
                            'RAM data: a write stores the word at ram_addr, a read returns it; '
                            'either advances ram_addr'
                        ),
                        'width': 32,
                        'read': True,
                        'write': True,
                    },
                },
            },
            'ntt': {
                'base': 0x0200,
                'size': 0x0008,
                'desc': 'NTT butterfly array (negacyclic NTT, one RNS limb at a time)',
                'registers': {
                    'control': {
                        'address': 0x0200,
                        'kind': 'register',
                        'desc': 'Start or abort a command',
                        'fields': {
                            'start': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': (
                                    'Writing 1 starts the command in op, slot_a, slot_b of the '
                                    'same write'
                                ),
                            },
                            'abort': {
                                'bit': 1,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 aborts the running command',
                            },
                            'op': {
                                'bit': 4,
                                'width': 3,
                                'access': 'w',
                                'desc': (
                                    'Operation: 1 LOAD, 2 UNLOAD, 3 NTT, 4 INTT, 5 PWMUL, 6 '
                                    'CONTEXT'
                                ),
                            },
                            'slot_a': {
                                'bit': 8,
                                'width': 4,
                                'access': 'w',
                                'desc': 'First operand and result slot',
                            },
                            'slot_b': {
                                'bit': 12,
                                'width': 4,
                                'access': 'w',
                                'desc': 'Second operand slot (PWMUL)',
                            },
                        },
                    },
                    'status': {
                        'address': 0x0201,
                        'kind': 'register',
                        'desc': 'What the array is doing',
                        'fields': {
                            'busy': {'bit': 0, 'width': 1, 'access': 'r', 'desc': 'A command is running'},
                            'done': {
                                'bit': 1,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The last command completed',
                            },
                            'error': {
                                'bit': 2,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The last command (or a start) failed; see cause',
                            },
                            'cause': {
                                'bit': 4,
                                'width': 3,
                                'access': 'r',
                                'desc': (
                                    '0 none, 1 busy, 2 bad op, 3 bad slot, 4 no context, 5 range, '
                                    '6 context, 7 aborted'
                                ),
                            },
                            'ctx_valid': {
                                'bit': 8,
                                'width': 1,
                                'access': 'r',
                                'desc': 'A valid context is loaded',
                            },
                        },
                    },
                    'cycles': {
                        'address': 0x0202,
                        'kind': 'register',
                        'desc': 'Busy cycles of the last or running command',
                        'fields': {
                            'cycles': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Cycles, saturating'},
                        },
                    },
                    'butterflies_lo': {
                        'address': 0x0203,
                        'kind': 'register',
                        'desc': 'Butterflies since reset, bits 0..31',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Low 32 bits of the butterfly count',
                            },
                        },
                    },
                    'butterflies_hi': {
                        'address': 0x0204,
                        'kind': 'register',
                        'desc': 'Butterflies since reset, bits 32..47',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 16,
                                'access': 'r',
                                'desc': 'High 16 bits of the butterfly count',
                            },
                        },
                    },
                    'info': {
                        'address': 0x0205,
                        'kind': 'register',
                        'desc': 'Elaboration parameters of the array (NTTArray.info_word)',
                        'fields': {
                            'info': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'The info word',
                                'value': 0x5828209,
                            },
                        },
                    },
                    'data': {
                        'address': 0x0206,
                        'kind': 'window',
                        'desc': (
                            'Coefficients or context words: a write pushes one into the array '
                            '(LOAD, CONTEXT), a read pops one (UNLOAD)'
                        ),
                        'width': 16,
                        'read': True,
                        'write': True,
                    },
                },
            },
        },
    },
    'sim': {
        'code': 3,
        'desc': (
            "The simulated board: the full profile's units with 64 MiB of table memory outside the "
            "SoC, served by the board's C++ main, and products not split into DSP blocks (the "
            'multiplier latency of 3 cycles)'
        ),
        'addr_width': 16,
        'map_hash': 0xd035be64,
        'parameters': {
            'link_max_burst': 4096,
            'link_addr_width': 16,
            'scratch_depth': 4096,
            'ntt_log_n': 10,
            'ntt_width': 28,
            'ntt_lanes': 4,
            'ntt_reducer': 0,
            'ntt_pipeline_depth': 3,
            'ntt_slots': 2,
            'ntt_dsp_width': 0,
            'ntt_latency': 3,
            'mmu_tlb_entries': 16,
            'mmu_lwc_entries': 16,
            'mmu_asid_bits': 16,
            'mmu_pa_bits': 56,
            'mmu_counter_bits': 32,
            'mmu_serial_multiplier': 0,
            'mmu_learned_walk': 1,
            'mmu_mem_base': 67108864,
            'mmu_mem_bytes': 67108864,
            'mmu_queue_depth': 256,
        },
        'info': ['clk_freq', 'uart_divisor', 'frame_timeout', 'bus_timeout'],
        'clusters': {
            'ident': {
                'base': 0x0000,
                'size': 0x0020,
                'desc': 'Identification: what design this is',
                'registers': {
                    'magic': {
                        'address': 0x0000,
                        'kind': 'register',
                        'desc': "Magic number, ASCII 'CERI': a cerite SoC",
                        'fields': {
                            'magic': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': "Magic number, ASCII 'CERI': a cerite SoC",
                                'value': 0x43455249,
                            },
                        },
                    },
                    'version': {
                        'address': 0x0001,
                        'kind': 'register',
                        'desc': 'Version of the SoC and identification format',
                        'fields': {
                            'minor': {
                                'bit': 0,
                                'width': 16,
                                'access': 'const',
                                'desc': 'Minor version: compatible additions',
                                'value': 0,
                            },
                            'major': {
                                'bit': 16,
                                'width': 16,
                                'access': 'const',
                                'desc': 'Major version: incompatible changes',
                                'value': 1,
                            },
                        },
                    },
                    'profile': {
                        'address': 0x0002,
                        'kind': 'register',
                        'desc': 'Code of the SoC profile the design was built for',
                        'fields': {
                            'profile': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Code of the SoC profile the design was built for',
                                'value': 3,
                            },
                        },
                    },
                    'map_hash': {
                        'address': 0x0003,
                        'kind': 'register',
                        'desc': 'Hash of the register map layout and the parameter values',
                        'fields': {
                            'map_hash': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Hash of the register map layout and the parameter values',
                                'value': 0xd035be64,
                            },
                        },
                    },
                    'clk_freq': {
                        'address': 0x0004,
                        'kind': 'register',
                        'desc': 'Core clock frequency in Hz',
                        'fields': {
                            'clk_freq': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Core clock frequency in Hz',
                            },
                        },
                    },
                    'uart_divisor': {
                        'address': 0x0005,
                        'kind': 'register',
                        'desc': 'Clock cycles per UART bit',
                        'fields': {
                            'uart_divisor': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Clock cycles per UART bit',
                            },
                        },
                    },
                    'frame_timeout': {
                        'address': 0x0006,
                        'kind': 'register',
                        'desc': 'Cycles without a byte that drop a partly received request',
                        'fields': {
                            'frame_timeout': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Cycles without a byte that drop a partly received request',
                            },
                        },
                    },
                    'bus_timeout': {
                        'address': 0x0007,
                        'kind': 'register',
                        'desc': 'Cycles a bus access may take',
                        'fields': {
                            'bus_timeout': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Cycles a bus access may take',
                            },
                        },
                    },
                    'link_max_burst': {
                        'address': 0x0008,
                        'kind': 'register',
                        'desc': 'Words per host-link request',
                        'fields': {
                            'link_max_burst': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Words per host-link request',
                                'value': 0x1000,
                            },
                        },
                    },
                    'link_addr_width': {
                        'address': 0x0009,
                        'kind': 'register',
                        'desc': 'Word address bits of the internal bus',
                        'fields': {
                            'link_addr_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Word address bits of the internal bus',
                                'value': 16,
                            },
                        },
                    },
                    'scratch_depth': {
                        'address': 0x000a,
                        'kind': 'register',
                        'desc': 'Words of scratch RAM behind the ram_data window',
                        'fields': {
                            'scratch_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Words of scratch RAM behind the ram_data window',
                                'value': 0x1000,
                            },
                        },
                    },
                    'ntt_log_n': {
                        'address': 0x000b,
                        'kind': 'register',
                        'desc': 'log2 of the NTT size N',
                        'fields': {
                            'ntt_log_n': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'log2 of the NTT size N',
                                'value': 10,
                            },
                        },
                    },
                    'ntt_width': {
                        'address': 0x000c,
                        'kind': 'register',
                        'desc': 'Coefficient width in bits; moduli q < 2**width',
                        'fields': {
                            'ntt_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Coefficient width in bits; moduli q < 2**width',
                                'value': 28,
                            },
                        },
                    },
                    'ntt_lanes': {
                        'address': 0x000d,
                        'kind': 'register',
                        'desc': 'Butterflies working in parallel',
                        'fields': {
                            'ntt_lanes': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Butterflies working in parallel',
                                'value': 4,
                            },
                        },
                    },
                    'ntt_reducer': {
                        'address': 0x000e,
                        'kind': 'register',
                        'desc': 'Modular reducer: 0 barrett, 1 montgomery, 2 solinas',
                        'fields': {
                            'ntt_reducer': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Modular reducer: 0 barrett, 1 montgomery, 2 solinas',
                                'value': 0,
                            },
                        },
                    },
                    'ntt_pipeline_depth': {
                        'address': 0x000f,
                        'kind': 'register',
                        'desc': 'Multiplier pipeline depth (cycles)',
                        'fields': {
                            'ntt_pipeline_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Multiplier pipeline depth (cycles)',
                                'value': 3,
                            },
                        },
                    },
                    'ntt_slots': {
                        'address': 0x0010,
                        'kind': 'register',
                        'desc': 'Polynomial slots',
                        'fields': {
                            'ntt_slots': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Polynomial slots',
                                'value': 2,
                            },
                        },
                    },
                    'ntt_dsp_width': {
                        'address': 0x0011,
                        'kind': 'register',
                        'desc': 'Products split into DSP blocks of this width (0: not split)',
                        'fields': {
                            'ntt_dsp_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': (
                                    'Products split into DSP blocks of this width (0: not split)'
                                ),
                                'value': 0,
                            },
                        },
                    },
                    'ntt_latency': {
                        'address': 0x0012,
                        'kind': 'register',
                        'desc': (
                            'L of the cycle counts: the multiplier latency plus what dsp_width '
                            'adds'
                        ),
                        'fields': {
                            'ntt_latency': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': (
                                    'L of the cycle counts: the multiplier latency plus what '
                                    'dsp_width adds'
                                ),
                                'value': 3,
                            },
                        },
                    },
                    'mmu_tlb_entries': {
                        'address': 0x0013,
                        'kind': 'register',
                        'desc': 'TLB entries',
                        'fields': {
                            'mmu_tlb_entries': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'TLB entries',
                                'value': 16,
                            },
                        },
                    },
                    'mmu_lwc_entries': {
                        'address': 0x0014,
                        'kind': 'register',
                        'desc': 'Learned walk cache entries',
                        'fields': {
                            'mmu_lwc_entries': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Learned walk cache entries',
                                'value': 16,
                            },
                        },
                    },
                    'mmu_asid_bits': {
                        'address': 0x0015,
                        'kind': 'register',
                        'desc': 'ASID width',
                        'fields': {
                            'mmu_asid_bits': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'ASID width',
                                'value': 16,
                            },
                        },
                    },
                    'mmu_pa_bits': {
                        'address': 0x0016,
                        'kind': 'register',
                        'desc': 'Physical address width',
                        'fields': {
                            'mmu_pa_bits': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Physical address width',
                                'value': 56,
                            },
                        },
                    },
                    'mmu_counter_bits': {
                        'address': 0x0017,
                        'kind': 'register',
                        'desc': 'Width of every counter',
                        'fields': {
                            'mmu_counter_bits': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Width of every counter',
                                'value': 32,
                            },
                        },
                    },
                    'mmu_serial_multiplier': {
                        'address': 0x0018,
                        'kind': 'register',
                        'desc': '1: shift-add node multiplier; 0: parallel',
                        'fields': {
                            'mmu_serial_multiplier': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': '1: shift-add node multiplier; 0: parallel',
                                'value': 0,
                            },
                        },
                    },
                    'mmu_learned_walk': {
                        'address': 0x0019,
                        'kind': 'register',
                        'desc': '1: learned walk with radix fallback; 0: radix-only MMU',
                        'fields': {
                            'mmu_learned_walk': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': '1: learned walk with radix fallback; 0: radix-only MMU',
                                'value': 1,
                            },
                        },
                    },
                    'mmu_mem_base': {
                        'address': 0x001a,
                        'kind': 'register',
                        'desc': 'Physical byte address of the table RAM',
                        'fields': {
                            'mmu_mem_base': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Physical byte address of the table RAM',
                                'value': 0x4000000,
                            },
                        },
                    },
                    'mmu_mem_bytes': {
                        'address': 0x001b,
                        'kind': 'register',
                        'desc': 'Bytes of table RAM',
                        'fields': {
                            'mmu_mem_bytes': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Bytes of table RAM',
                                'value': 0x4000000,
                            },
                        },
                    },
                    'mmu_queue_depth': {
                        'address': 0x001c,
                        'kind': 'register',
                        'desc': 'Entries of the request and response queues',
                        'fields': {
                            'mmu_queue_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Entries of the request and response queues',
                                'value': 0x100,
                            },
                        },
                    },
                },
            },
            'scratch': {
                'base': 0x0100,
                'size': 0x0010,
                'desc': 'Test peripheral: scratch registers and RAM',
                'registers': {
                    'value0': {
                        'address': 0x0100,
                        'kind': 'register',
                        'desc': 'Scratch value 0: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value1': {
                        'address': 0x0101,
                        'kind': 'register',
                        'desc': 'Scratch value 1: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value2': {
                        'address': 0x0102,
                        'kind': 'register',
                        'desc': 'Scratch value 2: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value3': {
                        'address': 0x0103,
                        'kind': 'register',
                        'desc': 'Scratch value 3: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'config': {
                        'address': 0x0104,
                        'kind': 'register',
                        'desc': 'Elaborated configuration',
                        'fields': {
                            'depth_log2': {
                                'bit': 0,
                                'width': 5,
                                'access': 'const',
                                'desc': 'log2 of the RAM depth in words',
                                'value': 12,
                            },
                        },
                    },
                    'control': {
                        'address': 0x0105,
                        'kind': 'register',
                        'desc': 'Pulses and a mode',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 increments status.pulses',
                            },
                            'mode': {
                                'bit': 8,
                                'width': 4,
                                'access': 'rw',
                                'desc': 'A stored mode, read back unchanged',
                                'init': 5,
                            },
                        },
                    },
                    'status': {
                        'address': 0x0106,
                        'kind': 'register',
                        'desc': 'Counters',
                        'fields': {
                            'pulses': {
                                'bit': 0,
                                'width': 16,
                                'access': 'r',
                                'desc': 'Number of control.count pulses since reset',
                            },
                        },
                    },
                    'ram_addr': {
                        'address': 0x0107,
                        'kind': 'register',
                        'desc': 'RAM word the next ram_data access uses',
                        'fields': {
                            'addr': {
                                'bit': 0,
                                'width': 16,
                                'access': 'rwu',
                                'desc': 'Word address; each ram_data access advances it',
                            },
                        },
                    },
                    'ram_data': {
                        'address': 0x0108,
                        'kind': 'window',
                        'desc': (
                            'RAM data: a write stores the word at ram_addr, a read returns it; '
                            'either advances ram_addr'
                        ),
                        'width': 32,
                        'read': True,
                        'write': True,
                    },
                },
            },
            'ntt': {
                'base': 0x0200,
                'size': 0x0008,
                'desc': 'NTT butterfly array (negacyclic NTT, one RNS limb at a time)',
                'registers': {
                    'control': {
                        'address': 0x0200,
                        'kind': 'register',
                        'desc': 'Start or abort a command',
                        'fields': {
                            'start': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': (
                                    'Writing 1 starts the command in op, slot_a, slot_b of the '
                                    'same write'
                                ),
                            },
                            'abort': {
                                'bit': 1,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 aborts the running command',
                            },
                            'op': {
                                'bit': 4,
                                'width': 3,
                                'access': 'w',
                                'desc': (
                                    'Operation: 1 LOAD, 2 UNLOAD, 3 NTT, 4 INTT, 5 PWMUL, 6 '
                                    'CONTEXT'
                                ),
                            },
                            'slot_a': {
                                'bit': 8,
                                'width': 4,
                                'access': 'w',
                                'desc': 'First operand and result slot',
                            },
                            'slot_b': {
                                'bit': 12,
                                'width': 4,
                                'access': 'w',
                                'desc': 'Second operand slot (PWMUL)',
                            },
                        },
                    },
                    'status': {
                        'address': 0x0201,
                        'kind': 'register',
                        'desc': 'What the array is doing',
                        'fields': {
                            'busy': {'bit': 0, 'width': 1, 'access': 'r', 'desc': 'A command is running'},
                            'done': {
                                'bit': 1,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The last command completed',
                            },
                            'error': {
                                'bit': 2,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The last command (or a start) failed; see cause',
                            },
                            'cause': {
                                'bit': 4,
                                'width': 3,
                                'access': 'r',
                                'desc': (
                                    '0 none, 1 busy, 2 bad op, 3 bad slot, 4 no context, 5 range, '
                                    '6 context, 7 aborted'
                                ),
                            },
                            'ctx_valid': {
                                'bit': 8,
                                'width': 1,
                                'access': 'r',
                                'desc': 'A valid context is loaded',
                            },
                        },
                    },
                    'cycles': {
                        'address': 0x0202,
                        'kind': 'register',
                        'desc': 'Busy cycles of the last or running command',
                        'fields': {
                            'cycles': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Cycles, saturating'},
                        },
                    },
                    'butterflies_lo': {
                        'address': 0x0203,
                        'kind': 'register',
                        'desc': 'Butterflies since reset, bits 0..31',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Low 32 bits of the butterfly count',
                            },
                        },
                    },
                    'butterflies_hi': {
                        'address': 0x0204,
                        'kind': 'register',
                        'desc': 'Butterflies since reset, bits 32..47',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 16,
                                'access': 'r',
                                'desc': 'High 16 bits of the butterfly count',
                            },
                        },
                    },
                    'info': {
                        'address': 0x0205,
                        'kind': 'register',
                        'desc': 'Elaboration parameters of the array (NTTArray.info_word)',
                        'fields': {
                            'info': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'The info word',
                                'value': 0x582138a,
                            },
                        },
                    },
                    'data': {
                        'address': 0x0206,
                        'kind': 'window',
                        'desc': (
                            'Coefficients or context words: a write pushes one into the array '
                            '(LOAD, CONTEXT), a read pops one (UNLOAD)'
                        ),
                        'width': 28,
                        'read': True,
                        'write': True,
                    },
                },
            },
            'mmu': {
                'base': 0x0300,
                'size': 0x0040,
                'desc': 'Learned-translation MMU with its table RAM',
                'registers': {
                    'control': {
                        'address': 0x0300,
                        'kind': 'register',
                        'desc': 'Reset, flush',
                        'fields': {
                            'reset': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 resets the MMU, its queues and counters',
                            },
                            'flush': {
                                'bit': 1,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 queues a flush of kind flush_kind',
                            },
                            'flush_kind': {
                                'bit': 4,
                                'width': 2,
                                'access': 'w',
                                'desc': 'Flush kind: 0 all, 1 by ASID, 2 by VA, 3 by VA and ASID',
                            },
                            'clear': {
                                'bit': 8,
                                'width': 1,
                                'access': 'w1s',
                                'desc': (
                                    'Writing 1 zeroes the table memory below the 64-bit word '
                                    'mem_addr points into, all of it when mem_addr is 0 (one word '
                                    'a cycle; status.clearing meanwhile)'
                                ),
                            },
                        },
                    },
                    'status': {
                        'address': 0x0301,
                        'kind': 'register',
                        'desc': 'Queues and flushes',
                        'fields': {
                            'busy': {
                                'bit': 0,
                                'width': 1,
                                'access': 'r',
                                'desc': 'A request is queued or in translation, or a flush waits',
                            },
                            'flush_pending': {
                                'bit': 1,
                                'width': 1,
                                'access': 'r',
                                'desc': 'A flush waits to be applied',
                            },
                            'flush_lost': {
                                'bit': 2,
                                'width': 1,
                                'access': 'r',
                                'desc': (
                                    'A flush was dropped (one was pending); cleared by '
                                    'control.reset'
                                ),
                            },
                            'req_half': {
                                'bit': 3,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The next req word is the second of a request',
                            },
                            'resp_half': {
                                'bit': 4,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The next resp word is the second of a response',
                            },
                            'clearing': {
                                'bit': 5,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The table RAM is being zeroed',
                            },
                            'resp_level': {
                                'bit': 8,
                                'width': 13,
                                'access': 'r',
                                'desc': 'Responses ready to read',
                            },
                        },
                    },
                    'mode': {
                        'address': 0x0302,
                        'kind': 'register',
                        'desc': 'Walk mode and permission bits',
                        'fields': {
                            'learned': {
                                'bit': 0,
                                'width': 1,
                                'access': 'rw',
                                'desc': (
                                    '1: learned walk first, radix on a miss; 0: radix walk only'
                                ),
                                'init': 0,
                            },
                            'sum': {
                                'bit': 1,
                                'width': 1,
                                'access': 'rw',
                                'desc': 'sstatus.SUM',
                                'init': 0,
                            },
                            'mxr': {
                                'bit': 2,
                                'width': 1,
                                'access': 'rw',
                                'desc': 'sstatus.MXR',
                                'init': 0,
                            },
                        },
                    },
                    'asid': {
                        'address': 0x0303,
                        'kind': 'register',
                        'desc': 'Current address space',
                        'fields': {
                            'asid': {'bit': 0, 'width': 16, 'access': 'rw', 'desc': 'ASID', 'init': 0},
                        },
                    },
                    'satp_ppn_lo': {
                        'address': 0x0304,
                        'kind': 'register',
                        'desc': 'Root table PPN, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'satp.PPN bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'satp_ppn_hi': {
                        'address': 0x0305,
                        'kind': 'register',
                        'desc': 'Root table PPN, bits 32..43',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 12,
                                'access': 'rw',
                                'desc': 'satp.PPN bits 32..43',
                                'init': 0,
                            },
                        },
                    },
                    'pt_base_lo': {
                        'address': 0x0306,
                        'kind': 'register',
                        'desc': 'pt_base (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'pt_base low bits',
                                'init': 0,
                            },
                        },
                    },
                    'pt_base_hi': {
                        'address': 0x0307,
                        'kind': 'register',
                        'desc': 'pt_base (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'pt_base high bits',
                                'init': 0,
                            },
                        },
                    },
                    'pt_limit_lo': {
                        'address': 0x0308,
                        'kind': 'register',
                        'desc': 'pt_limit (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'pt_limit low bits',
                                'init': 0,
                            },
                        },
                    },
                    'pt_limit_hi': {
                        'address': 0x0309,
                        'kind': 'register',
                        'desc': 'pt_limit (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'pt_limit high bits',
                                'init': 0,
                            },
                        },
                    },
                    'index_base_lo': {
                        'address': 0x030a,
                        'kind': 'register',
                        'desc': 'index_base (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'index_base low bits',
                                'init': 0,
                            },
                        },
                    },
                    'index_base_hi': {
                        'address': 0x030b,
                        'kind': 'register',
                        'desc': 'index_base (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'index_base high bits',
                                'init': 0,
                            },
                        },
                    },
                    'index_limit_lo': {
                        'address': 0x030c,
                        'kind': 'register',
                        'desc': 'index_limit (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'index_limit low bits',
                                'init': 0,
                            },
                        },
                    },
                    'index_limit_hi': {
                        'address': 0x030d,
                        'kind': 'register',
                        'desc': 'index_limit (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'index_limit high bits',
                                'init': 0,
                            },
                        },
                    },
                    'level_base1_lo': {
                        'address': 0x030e,
                        'kind': 'register',
                        'desc': 'level_base1 (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'level_base1 low bits',
                                'init': 0,
                            },
                        },
                    },
                    'level_base1_hi': {
                        'address': 0x030f,
                        'kind': 'register',
                        'desc': 'level_base1 (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'level_base1 high bits',
                                'init': 0,
                            },
                        },
                    },
                    'level_base2_lo': {
                        'address': 0x0310,
                        'kind': 'register',
                        'desc': 'level_base2 (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'level_base2 low bits',
                                'init': 0,
                            },
                        },
                    },
                    'level_base2_hi': {
                        'address': 0x0311,
                        'kind': 'register',
                        'desc': 'level_base2 (physical byte address), bits 32 and up',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'level_base2 high bits',
                                'init': 0,
                            },
                        },
                    },
                    'root0_lo': {
                        'address': 0x0312,
                        'kind': 'register',
                        'desc': 'Root model node word 0, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 0 bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'root0_hi': {
                        'address': 0x0313,
                        'kind': 'register',
                        'desc': 'Root model node word 0, bits 32..63',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 0 bits 32..63',
                                'init': 0,
                            },
                        },
                    },
                    'root1_lo': {
                        'address': 0x0314,
                        'kind': 'register',
                        'desc': 'Root model node word 1, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 1 bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'root1_hi': {
                        'address': 0x0315,
                        'kind': 'register',
                        'desc': 'Root model node word 1, bits 32..63',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 1 bits 32..63',
                                'init': 0,
                            },
                        },
                    },
                    'root2_lo': {
                        'address': 0x0316,
                        'kind': 'register',
                        'desc': 'Root model node word 2, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 2 bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'root2_hi': {
                        'address': 0x0317,
                        'kind': 'register',
                        'desc': 'Root model node word 2, bits 32..63',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 2 bits 32..63',
                                'init': 0,
                            },
                        },
                    },
                    'root3_lo': {
                        'address': 0x0318,
                        'kind': 'register',
                        'desc': 'Root model node word 3, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 3 bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'root3_hi': {
                        'address': 0x0319,
                        'kind': 'register',
                        'desc': 'Root model node word 3, bits 32..63',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'Word 3 bits 32..63',
                                'init': 0,
                            },
                        },
                    },
                    'flush_asid': {
                        'address': 0x031a,
                        'kind': 'register',
                        'desc': 'ASID operand of the next flush',
                        'fields': {
                            'asid': {'bit': 0, 'width': 16, 'access': 'rw', 'desc': 'ASID', 'init': 0},
                        },
                    },
                    'flush_va_lo': {
                        'address': 0x031b,
                        'kind': 'register',
                        'desc': 'VA operand of the next flush, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'va bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'flush_va_hi': {
                        'address': 0x031c,
                        'kind': 'register',
                        'desc': 'VA operand of the next flush, bits 32..38',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 7,
                                'access': 'rw',
                                'desc': 'va bits 32..38',
                                'init': 0,
                            },
                        },
                    },
                    'mem_addr': {
                        'address': 0x031d,
                        'kind': 'register',
                        'desc': 'RAM word (32-bit, from mem_base) the next mem_data access uses',
                        'fields': {
                            'addr': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rwu',
                                'desc': '32-bit word index; each mem_data access advances it',
                            },
                        },
                    },
                    'mem_data': {
                        'address': 0x031e,
                        'kind': 'window',
                        'desc': (
                            'Table RAM: a write stores the 32-bit word at mem_addr, a read returns '
                            'it; either advances mem_addr'
                        ),
                        'width': 32,
                        'read': True,
                        'write': True,
                    },
                    'req': {
                        'address': 0x031f,
                        'kind': 'window',
                        'desc': (
                            'Translation requests, two words each: va[31:0], then va[38:32] | '
                            'access << 8 | user << 10'
                        ),
                        'width': 32,
                        'read': False,
                        'write': True,
                    },
                    'resp': {
                        'address': 0x0320,
                        'kind': 'window',
                        'desc': (
                            'Translation responses, two words each: pa[31:0], then '
                            'pa[pa_bits-1:32] | fault << 24 | size << 26 | source << 28 | 1 << 31'
                        ),
                        'width': 32,
                        'read': True,
                        'write': False,
                    },
                    'counter_requests': {
                        'address': 0x0321,
                        'kind': 'register',
                        'desc': 'Counter requests (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of requests'},
                        },
                    },
                    'counter_tlb_hits': {
                        'address': 0x0322,
                        'kind': 'register',
                        'desc': 'Counter tlb_hits (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of tlb_hits'},
                        },
                    },
                    'counter_walks': {
                        'address': 0x0323,
                        'kind': 'register',
                        'desc': 'Counter walks (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of walks'},
                        },
                    },
                    'counter_lwc_hits': {
                        'address': 0x0324,
                        'kind': 'register',
                        'desc': 'Counter lwc_hits (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of lwc_hits'},
                        },
                    },
                    'counter_lwc_misses': {
                        'address': 0x0325,
                        'kind': 'register',
                        'desc': 'Counter lwc_misses (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of lwc_misses'},
                        },
                    },
                    'counter_learned_hits': {
                        'address': 0x0326,
                        'kind': 'register',
                        'desc': 'Counter learned_hits (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of learned_hits',
                            },
                        },
                    },
                    'counter_learned_single': {
                        'address': 0x0327,
                        'kind': 'register',
                        'desc': 'Counter learned_single (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of learned_single',
                            },
                        },
                    },
                    'counter_learned_fallbacks': {
                        'address': 0x0328,
                        'kind': 'register',
                        'desc': 'Counter learned_fallbacks (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of learned_fallbacks',
                            },
                        },
                    },
                    'counter_faults': {
                        'address': 0x0329,
                        'kind': 'register',
                        'desc': 'Counter faults (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of faults'},
                        },
                    },
                    'counter_reads_node': {
                        'address': 0x032a,
                        'kind': 'register',
                        'desc': 'Counter reads_node (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of reads_node'},
                        },
                    },
                    'counter_reads_gpt': {
                        'address': 0x032b,
                        'kind': 'register',
                        'desc': 'Counter reads_gpt (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of reads_gpt'},
                        },
                    },
                    'counter_reads_radix': {
                        'address': 0x032c,
                        'kind': 'register',
                        'desc': 'Counter reads_radix (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 32, 'access': 'r', 'desc': 'Value of reads_radix'},
                        },
                    },
                    'counter_walk_cycles_total': {
                        'address': 0x032d,
                        'kind': 'register',
                        'desc': 'Counter walk_cycles_total (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of walk_cycles_total',
                            },
                        },
                    },
                    'counter_walk_cycles_max': {
                        'address': 0x032e,
                        'kind': 'register',
                        'desc': 'Counter walk_cycles_max (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Value of walk_cycles_max',
                            },
                        },
                    },
                },
            },
        },
    },
    'small-mmu': {
        'code': 4,
        'desc': (
            'iCE40UP5K (ICEBreaker), MMU bitstream: 1024-word bursts, the radix-only small MMU '
            'with 128 KiB of table memory (the SPRAM)'
        ),
        'addr_width': 16,
        'map_hash': 0x459237a,
        'parameters': {
            'link_max_burst': 1024,
            'link_addr_width': 16,
            'scratch_depth': 256,
            'mmu_tlb_entries': 4,
            'mmu_lwc_entries': 2,
            'mmu_asid_bits': 8,
            'mmu_pa_bits': 24,
            'mmu_counter_bits': 24,
            'mmu_serial_multiplier': 1,
            'mmu_learned_walk': 0,
            'mmu_mem_base': 1048576,
            'mmu_mem_bytes': 131072,
            'mmu_queue_depth': 8,
        },
        'info': ['clk_freq', 'uart_divisor', 'frame_timeout', 'bus_timeout'],
        'clusters': {
            'ident': {
                'base': 0x0000,
                'size': 0x0020,
                'desc': 'Identification: what design this is',
                'registers': {
                    'magic': {
                        'address': 0x0000,
                        'kind': 'register',
                        'desc': "Magic number, ASCII 'CERI': a cerite SoC",
                        'fields': {
                            'magic': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': "Magic number, ASCII 'CERI': a cerite SoC",
                                'value': 0x43455249,
                            },
                        },
                    },
                    'version': {
                        'address': 0x0001,
                        'kind': 'register',
                        'desc': 'Version of the SoC and identification format',
                        'fields': {
                            'minor': {
                                'bit': 0,
                                'width': 16,
                                'access': 'const',
                                'desc': 'Minor version: compatible additions',
                                'value': 0,
                            },
                            'major': {
                                'bit': 16,
                                'width': 16,
                                'access': 'const',
                                'desc': 'Major version: incompatible changes',
                                'value': 1,
                            },
                        },
                    },
                    'profile': {
                        'address': 0x0002,
                        'kind': 'register',
                        'desc': 'Code of the SoC profile the design was built for',
                        'fields': {
                            'profile': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Code of the SoC profile the design was built for',
                                'value': 4,
                            },
                        },
                    },
                    'map_hash': {
                        'address': 0x0003,
                        'kind': 'register',
                        'desc': 'Hash of the register map layout and the parameter values',
                        'fields': {
                            'map_hash': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Hash of the register map layout and the parameter values',
                                'value': 0x459237a,
                            },
                        },
                    },
                    'clk_freq': {
                        'address': 0x0004,
                        'kind': 'register',
                        'desc': 'Core clock frequency in Hz',
                        'fields': {
                            'clk_freq': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Core clock frequency in Hz',
                            },
                        },
                    },
                    'uart_divisor': {
                        'address': 0x0005,
                        'kind': 'register',
                        'desc': 'Clock cycles per UART bit',
                        'fields': {
                            'uart_divisor': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Clock cycles per UART bit',
                            },
                        },
                    },
                    'frame_timeout': {
                        'address': 0x0006,
                        'kind': 'register',
                        'desc': 'Cycles without a byte that drop a partly received request',
                        'fields': {
                            'frame_timeout': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Cycles without a byte that drop a partly received request',
                            },
                        },
                    },
                    'bus_timeout': {
                        'address': 0x0007,
                        'kind': 'register',
                        'desc': 'Cycles a bus access may take',
                        'fields': {
                            'bus_timeout': {
                                'bit': 0,
                                'width': 32,
                                'access': 'r',
                                'desc': 'Cycles a bus access may take',
                            },
                        },
                    },
                    'link_max_burst': {
                        'address': 0x0008,
                        'kind': 'register',
                        'desc': 'Words per host-link request',
                        'fields': {
                            'link_max_burst': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Words per host-link request',
                                'value': 0x400,
                            },
                        },
                    },
                    'link_addr_width': {
                        'address': 0x0009,
                        'kind': 'register',
                        'desc': 'Word address bits of the internal bus',
                        'fields': {
                            'link_addr_width': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Word address bits of the internal bus',
                                'value': 16,
                            },
                        },
                    },
                    'scratch_depth': {
                        'address': 0x000a,
                        'kind': 'register',
                        'desc': 'Words of scratch RAM behind the ram_data window',
                        'fields': {
                            'scratch_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Words of scratch RAM behind the ram_data window',
                                'value': 0x100,
                            },
                        },
                    },
                    'mmu_tlb_entries': {
                        'address': 0x000b,
                        'kind': 'register',
                        'desc': 'TLB entries',
                        'fields': {
                            'mmu_tlb_entries': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'TLB entries',
                                'value': 4,
                            },
                        },
                    },
                    'mmu_lwc_entries': {
                        'address': 0x000c,
                        'kind': 'register',
                        'desc': 'Learned walk cache entries',
                        'fields': {
                            'mmu_lwc_entries': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Learned walk cache entries',
                                'value': 2,
                            },
                        },
                    },
                    'mmu_asid_bits': {
                        'address': 0x000d,
                        'kind': 'register',
                        'desc': 'ASID width',
                        'fields': {
                            'mmu_asid_bits': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'ASID width',
                                'value': 8,
                            },
                        },
                    },
                    'mmu_pa_bits': {
                        'address': 0x000e,
                        'kind': 'register',
                        'desc': 'Physical address width',
                        'fields': {
                            'mmu_pa_bits': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Physical address width',
                                'value': 24,
                            },
                        },
                    },
                    'mmu_counter_bits': {
                        'address': 0x000f,
                        'kind': 'register',
                        'desc': 'Width of every counter',
                        'fields': {
                            'mmu_counter_bits': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Width of every counter',
                                'value': 24,
                            },
                        },
                    },
                    'mmu_serial_multiplier': {
                        'address': 0x0010,
                        'kind': 'register',
                        'desc': '1: shift-add node multiplier; 0: parallel',
                        'fields': {
                            'mmu_serial_multiplier': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': '1: shift-add node multiplier; 0: parallel',
                                'value': 1,
                            },
                        },
                    },
                    'mmu_learned_walk': {
                        'address': 0x0011,
                        'kind': 'register',
                        'desc': '1: learned walk with radix fallback; 0: radix-only MMU',
                        'fields': {
                            'mmu_learned_walk': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': '1: learned walk with radix fallback; 0: radix-only MMU',
                                'value': 0,
                            },
                        },
                    },
                    'mmu_mem_base': {
                        'address': 0x0012,
                        'kind': 'register',
                        'desc': 'Physical byte address of the table RAM',
                        'fields': {
                            'mmu_mem_base': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Physical byte address of the table RAM',
                                'value': 0x100000,
                            },
                        },
                    },
                    'mmu_mem_bytes': {
                        'address': 0x0013,
                        'kind': 'register',
                        'desc': 'Bytes of table RAM',
                        'fields': {
                            'mmu_mem_bytes': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Bytes of table RAM',
                                'value': 0x20000,
                            },
                        },
                    },
                    'mmu_queue_depth': {
                        'address': 0x0014,
                        'kind': 'register',
                        'desc': 'Entries of the request and response queues',
                        'fields': {
                            'mmu_queue_depth': {
                                'bit': 0,
                                'width': 32,
                                'access': 'const',
                                'desc': 'Entries of the request and response queues',
                                'value': 8,
                            },
                        },
                    },
                },
            },
            'scratch': {
                'base': 0x0100,
                'size': 0x0010,
                'desc': 'Test peripheral: scratch registers and RAM',
                'registers': {
                    'value0': {
                        'address': 0x0100,
                        'kind': 'register',
                        'desc': 'Scratch value 0: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value1': {
                        'address': 0x0101,
                        'kind': 'register',
                        'desc': 'Scratch value 1: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value2': {
                        'address': 0x0102,
                        'kind': 'register',
                        'desc': 'Scratch value 2: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'value3': {
                        'address': 0x0103,
                        'kind': 'register',
                        'desc': 'Scratch value 3: keeps what the host writes',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'The stored value',
                                'init': 0,
                            },
                        },
                    },
                    'config': {
                        'address': 0x0104,
                        'kind': 'register',
                        'desc': 'Elaborated configuration',
                        'fields': {
                            'depth_log2': {
                                'bit': 0,
                                'width': 5,
                                'access': 'const',
                                'desc': 'log2 of the RAM depth in words',
                                'value': 8,
                            },
                        },
                    },
                    'control': {
                        'address': 0x0105,
                        'kind': 'register',
                        'desc': 'Pulses and a mode',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 increments status.pulses',
                            },
                            'mode': {
                                'bit': 8,
                                'width': 4,
                                'access': 'rw',
                                'desc': 'A stored mode, read back unchanged',
                                'init': 5,
                            },
                        },
                    },
                    'status': {
                        'address': 0x0106,
                        'kind': 'register',
                        'desc': 'Counters',
                        'fields': {
                            'pulses': {
                                'bit': 0,
                                'width': 16,
                                'access': 'r',
                                'desc': 'Number of control.count pulses since reset',
                            },
                        },
                    },
                    'ram_addr': {
                        'address': 0x0107,
                        'kind': 'register',
                        'desc': 'RAM word the next ram_data access uses',
                        'fields': {
                            'addr': {
                                'bit': 0,
                                'width': 16,
                                'access': 'rwu',
                                'desc': 'Word address; each ram_data access advances it',
                            },
                        },
                    },
                    'ram_data': {
                        'address': 0x0108,
                        'kind': 'window',
                        'desc': (
                            'RAM data: a write stores the word at ram_addr, a read returns it; '
                            'either advances ram_addr'
                        ),
                        'width': 32,
                        'read': True,
                        'write': True,
                    },
                },
            },
            'mmu': {
                'base': 0x0200,
                'size': 0x0020,
                'desc': 'Learned-translation MMU with its table RAM',
                'registers': {
                    'control': {
                        'address': 0x0200,
                        'kind': 'register',
                        'desc': 'Reset, flush',
                        'fields': {
                            'reset': {
                                'bit': 0,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 resets the MMU, its queues and counters',
                            },
                            'flush': {
                                'bit': 1,
                                'width': 1,
                                'access': 'w1s',
                                'desc': 'Writing 1 queues a flush of kind flush_kind',
                            },
                            'flush_kind': {
                                'bit': 4,
                                'width': 2,
                                'access': 'w',
                                'desc': 'Flush kind: 0 all, 1 by ASID, 2 by VA, 3 by VA and ASID',
                            },
                            'clear': {
                                'bit': 8,
                                'width': 1,
                                'access': 'w1s',
                                'desc': (
                                    'Writing 1 zeroes the table memory below the 64-bit word '
                                    'mem_addr points into, all of it when mem_addr is 0 (one word '
                                    'a cycle; status.clearing meanwhile)'
                                ),
                            },
                        },
                    },
                    'status': {
                        'address': 0x0201,
                        'kind': 'register',
                        'desc': 'Queues and flushes',
                        'fields': {
                            'busy': {
                                'bit': 0,
                                'width': 1,
                                'access': 'r',
                                'desc': 'A request is queued or in translation, or a flush waits',
                            },
                            'flush_pending': {
                                'bit': 1,
                                'width': 1,
                                'access': 'r',
                                'desc': 'A flush waits to be applied',
                            },
                            'flush_lost': {
                                'bit': 2,
                                'width': 1,
                                'access': 'r',
                                'desc': (
                                    'A flush was dropped (one was pending); cleared by '
                                    'control.reset'
                                ),
                            },
                            'req_half': {
                                'bit': 3,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The next req word is the second of a request',
                            },
                            'resp_half': {
                                'bit': 4,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The next resp word is the second of a response',
                            },
                            'clearing': {
                                'bit': 5,
                                'width': 1,
                                'access': 'r',
                                'desc': 'The table RAM is being zeroed',
                            },
                            'resp_level': {
                                'bit': 8,
                                'width': 13,
                                'access': 'r',
                                'desc': 'Responses ready to read',
                            },
                        },
                    },
                    'mode': {
                        'address': 0x0202,
                        'kind': 'register',
                        'desc': 'Walk mode and permission bits',
                        'fields': {
                            'sum': {
                                'bit': 1,
                                'width': 1,
                                'access': 'rw',
                                'desc': 'sstatus.SUM',
                                'init': 0,
                            },
                            'mxr': {
                                'bit': 2,
                                'width': 1,
                                'access': 'rw',
                                'desc': 'sstatus.MXR',
                                'init': 0,
                            },
                        },
                    },
                    'asid': {
                        'address': 0x0203,
                        'kind': 'register',
                        'desc': 'Current address space',
                        'fields': {
                            'asid': {'bit': 0, 'width': 8, 'access': 'rw', 'desc': 'ASID', 'init': 0},
                        },
                    },
                    'satp_ppn_lo': {
                        'address': 0x0204,
                        'kind': 'register',
                        'desc': 'Root table PPN, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'satp.PPN bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'satp_ppn_hi': {
                        'address': 0x0205,
                        'kind': 'register',
                        'desc': 'Root table PPN, bits 32..43',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 12,
                                'access': 'rw',
                                'desc': 'satp.PPN bits 32..43',
                                'init': 0,
                            },
                        },
                    },
                    'pt_base_lo': {
                        'address': 0x0206,
                        'kind': 'register',
                        'desc': 'pt_base (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'pt_base low bits',
                                'init': 0,
                            },
                        },
                    },
                    'pt_limit_lo': {
                        'address': 0x0207,
                        'kind': 'register',
                        'desc': 'pt_limit (physical byte address), bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 24,
                                'access': 'rw',
                                'desc': 'pt_limit low bits',
                                'init': 0,
                            },
                        },
                    },
                    'flush_asid': {
                        'address': 0x0208,
                        'kind': 'register',
                        'desc': 'ASID operand of the next flush',
                        'fields': {
                            'asid': {'bit': 0, 'width': 8, 'access': 'rw', 'desc': 'ASID', 'init': 0},
                        },
                    },
                    'flush_va_lo': {
                        'address': 0x0209,
                        'kind': 'register',
                        'desc': 'VA operand of the next flush, bits 0..31',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 32,
                                'access': 'rw',
                                'desc': 'va bits 0..31',
                                'init': 0,
                            },
                        },
                    },
                    'flush_va_hi': {
                        'address': 0x020a,
                        'kind': 'register',
                        'desc': 'VA operand of the next flush, bits 32..38',
                        'fields': {
                            'value': {
                                'bit': 0,
                                'width': 7,
                                'access': 'rw',
                                'desc': 'va bits 32..38',
                                'init': 0,
                            },
                        },
                    },
                    'mem_addr': {
                        'address': 0x020b,
                        'kind': 'register',
                        'desc': 'RAM word (32-bit, from mem_base) the next mem_data access uses',
                        'fields': {
                            'addr': {
                                'bit': 0,
                                'width': 15,
                                'access': 'rwu',
                                'desc': '32-bit word index; each mem_data access advances it',
                            },
                        },
                    },
                    'mem_data': {
                        'address': 0x020c,
                        'kind': 'window',
                        'desc': (
                            'Table RAM: a write stores the 32-bit word at mem_addr, a read returns '
                            'it; either advances mem_addr'
                        ),
                        'width': 32,
                        'read': True,
                        'write': True,
                    },
                    'req': {
                        'address': 0x020d,
                        'kind': 'window',
                        'desc': (
                            'Translation requests, two words each: va[31:0], then va[38:32] | '
                            'access << 8 | user << 10'
                        ),
                        'width': 32,
                        'read': False,
                        'write': True,
                    },
                    'resp': {
                        'address': 0x020e,
                        'kind': 'window',
                        'desc': (
                            'Translation responses, two words each: pa[31:0], then '
                            'pa[pa_bits-1:32] | fault << 24 | size << 26 | source << 28 | 1 << 31'
                        ),
                        'width': 32,
                        'read': True,
                        'write': False,
                    },
                    'counter_requests': {
                        'address': 0x020f,
                        'kind': 'register',
                        'desc': 'Counter requests (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 24, 'access': 'r', 'desc': 'Value of requests'},
                        },
                    },
                    'counter_tlb_hits': {
                        'address': 0x0210,
                        'kind': 'register',
                        'desc': 'Counter tlb_hits (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 24, 'access': 'r', 'desc': 'Value of tlb_hits'},
                        },
                    },
                    'counter_walks': {
                        'address': 0x0211,
                        'kind': 'register',
                        'desc': 'Counter walks (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 24, 'access': 'r', 'desc': 'Value of walks'},
                        },
                    },
                    'counter_lwc_hits': {
                        'address': 0x0212,
                        'kind': 'register',
                        'desc': 'Counter lwc_hits (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 24, 'access': 'r', 'desc': 'Value of lwc_hits'},
                        },
                    },
                    'counter_lwc_misses': {
                        'address': 0x0213,
                        'kind': 'register',
                        'desc': 'Counter lwc_misses (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 24, 'access': 'r', 'desc': 'Value of lwc_misses'},
                        },
                    },
                    'counter_learned_hits': {
                        'address': 0x0214,
                        'kind': 'register',
                        'desc': 'Counter learned_hits (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 24,
                                'access': 'r',
                                'desc': 'Value of learned_hits',
                            },
                        },
                    },
                    'counter_learned_single': {
                        'address': 0x0215,
                        'kind': 'register',
                        'desc': 'Counter learned_single (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 24,
                                'access': 'r',
                                'desc': 'Value of learned_single',
                            },
                        },
                    },
                    'counter_learned_fallbacks': {
                        'address': 0x0216,
                        'kind': 'register',
                        'desc': 'Counter learned_fallbacks (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 24,
                                'access': 'r',
                                'desc': 'Value of learned_fallbacks',
                            },
                        },
                    },
                    'counter_faults': {
                        'address': 0x0217,
                        'kind': 'register',
                        'desc': 'Counter faults (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 24, 'access': 'r', 'desc': 'Value of faults'},
                        },
                    },
                    'counter_reads_node': {
                        'address': 0x0218,
                        'kind': 'register',
                        'desc': 'Counter reads_node (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 24, 'access': 'r', 'desc': 'Value of reads_node'},
                        },
                    },
                    'counter_reads_gpt': {
                        'address': 0x0219,
                        'kind': 'register',
                        'desc': 'Counter reads_gpt (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 24, 'access': 'r', 'desc': 'Value of reads_gpt'},
                        },
                    },
                    'counter_reads_radix': {
                        'address': 0x021a,
                        'kind': 'register',
                        'desc': 'Counter reads_radix (wraps)',
                        'fields': {
                            'count': {'bit': 0, 'width': 24, 'access': 'r', 'desc': 'Value of reads_radix'},
                        },
                    },
                    'counter_walk_cycles_total': {
                        'address': 0x021b,
                        'kind': 'register',
                        'desc': 'Counter walk_cycles_total (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 24,
                                'access': 'r',
                                'desc': 'Value of walk_cycles_total',
                            },
                        },
                    },
                    'counter_walk_cycles_max': {
                        'address': 0x021c,
                        'kind': 'register',
                        'desc': 'Counter walk_cycles_max (wraps)',
                        'fields': {
                            'count': {
                                'bit': 0,
                                'width': 24,
                                'access': 'r',
                                'desc': 'Value of walk_cycles_max',
                            },
                        },
                    },
                },
            },
        },
    },
}
