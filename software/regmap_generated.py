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
        'desc': 'ECP5 boards (ULX3S-85F) and the simulated board: 4096-word bursts',
        'addr_width': 16,
        'map_hash': 0xa905592e,
        'parameters': {'link_max_burst': 4096, 'link_addr_width': 16, 'scratch_depth': 4096},
        'info': ['clk_freq', 'uart_divisor', 'frame_timeout', 'bus_timeout'],
        'clusters': {
            'ident': {
                'base': 0x0000,
                'size': 0x0010,
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
                                'value': 0xa905592e,
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
        },
    },
    'small': {
        'code': 2,
        'desc': 'iCE40UP5K (ICEBreaker): 1024-word bursts, small units',
        'addr_width': 16,
        'map_hash': 0x75a3f948,
        'parameters': {'link_max_burst': 1024, 'link_addr_width': 16, 'scratch_depth': 256},
        'info': ['clk_freq', 'uart_divisor', 'frame_timeout', 'bus_timeout'],
        'clusters': {
            'ident': {
                'base': 0x0000,
                'size': 0x0010,
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
                                'value': 0x75a3f948,
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
        },
    },
}
