from cloudshelf.localaws.server import main

main()
