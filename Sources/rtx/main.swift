import RTXPluginHost
RTXCommand.main()
