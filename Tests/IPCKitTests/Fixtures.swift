/// Where the fixture trees are: beside this file, so no bundle is needed.
let fixtures = String(#filePath.dropLast("Fixtures.swift".count)) + "Fixtures"
