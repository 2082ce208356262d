# Builds and installs ipctool: the binary (Swift runtime linked in statically, so it can be
# copied to a machine without the toolchain), the man page and the completion scripts.
#   make                      build the release binary
#   make install              into $(DESTDIR)$(PREFIX)
#   make uninstall            remove what install put there
PREFIX ?= /usr/local
DESTDIR ?=
SCRATCH ?= .build-static
BIN = $(SCRATCH)/release/ipctool

BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

.PHONY: all install uninstall

all: $(BIN)

$(BIN): Package.swift $(shell find Sources -type f)
	swift build -c release --static-swift-stdlib --scratch-path $(SCRATCH) --product ipctool

install: $(BIN)
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 755 $(BIN) $(BINDIR)/ipctool
	install -m 644 man/ipctool.1 $(MANDIR)/ipctool.1
	install -m 644 completions/ipctool.bash $(BASHDIR)/ipctool
	install -m 644 completions/_ipctool $(ZSHDIR)/_ipctool
	install -m 644 completions/ipctool.fish $(FISHDIR)/ipctool.fish

uninstall:
	rm -f $(BINDIR)/ipctool $(MANDIR)/ipctool.1 $(BASHDIR)/ipctool $(ZSHDIR)/_ipctool \
		$(FISHDIR)/ipctool.fish
