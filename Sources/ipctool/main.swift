import IPCToolCLI; IPCTool.main()
