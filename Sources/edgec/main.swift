print("edgec")
