print("switchy")
