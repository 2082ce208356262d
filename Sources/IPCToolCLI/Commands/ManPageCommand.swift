/// `ipctool __manpage`: prints the man page (hidden; man/ipctool.1 is its output).
enum ManPageCommand {
  static let spec = CommandSpec(
    name: "__manpage", abstract: "Print the man page (man/ipctool.1).", isHidden: true,
    run: { _, console in
      console.out(ManPage(commands: CommandLineDescription.subcommands.filter { !$0.isHidden }).text)
      return .success
    })
}
