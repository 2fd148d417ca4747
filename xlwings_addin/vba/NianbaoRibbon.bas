Attribute VB_Name = "NianbaoRibbon"
' The ribbon callbacks of nianbao's Excel add-in (tab of customUI.xml, see xlwings_addin/build.py).
'
' Each button's onAction names one procedure of this module, e.g. NianbaoRibbon.OnValidate:
' Excel resolves a ribbon callback by its name across all loaded add-ins, so these names are
' ones no other add-in uses (xlwings' templates use RibbonMyAddin.RunMain). Each callback runs
' one function of the installed Python package through xlwings' RunPython (module xlwings,
' copied at build time from the installed xlwings with PROJECT_NAME = "nianbao").
'
' Before Python starts, a click is answered here when it cannot work: no workbook open, or an
' interpreter that cannot import the package (checked once per Excel session).
'
' This file is ASCII: the VBA project's code page (1252) cannot hold Chinese, so every message
' is written with \uXXXX escapes and decoded by Zh() when shown.
Option Explicit

Private Const PACKAGE As String = "xlwings_addin"
Private Const INTERPRETER_KEY As String = "INTERPRETER_WIN"
' The messages (Chinese, escaped): the tab's name (message title); no workbook open; the
' interpreter is missing; it cannot import the package; what to do; the status bar while checking.
Private Const TITLE As String = "\u653f\u52a1\u516c\u5f00\u5e74\u62a5"
Private Const NO_BOOK As String = "\u6ca1\u6709\u53ef\u6821\u9a8c\u7684\u5de5\u4f5c\u7c3f\uff1a\u8bf7\u5148\u6253\u5f00\u586b" & _
    "\u597d\u7684\u5e74\u62a5\u6a21\u677f\uff08\u82e5\u5de5\u4f5c\u7c3f\u5904\u4e8e\u201c\u53d7" & _
    "\u4fdd\u62a4\u7684\u89c6\u56fe\u201d\uff0c\u8bf7\u5148\u70b9\u201c\u542f\u7528\u7f16\u8f91" & _
    "\u201d\uff09\uff0c\u518d\u70b9\u6b64\u6309\u94ae\u3002"
Private Const NO_INTERPRETER As String = "\u627e\u4e0d\u5230\u52a0\u8f7d\u9879\u8bbe\u7f6e\u7684 Python \u89e3\u91ca\u5668\uff1a"
Private Const NO_IMPORT As String = "\u8fd9\u4e2a Python \u89e3\u91ca\u5668\u65e0\u6cd5\u5bfc\u5165 nianbao \u7684\u52a0\u8f7d" & _
    "\u9879\uff08\u6a21\u5757 xlwings_addin\uff09\uff1a"
Private Const HOW_TO_FIX As String = "\u5904\u7406\u529e\u6cd5\uff1a\u7528\u5b89\u88c5\u4e86 nianbao \u7684 Python \u8fd0\u884c " & _
    "nianbao addin install \u91cd\u65b0\u5b89\u88c5\u52a0\u8f7d\u9879\uff0c\u7136\u540e\u91cd" & _
    "\u542f Excel\uff1b\u6216\u5728 %USERPROFILE%\.nianbao\nianbao.conf \u4e2d\u5199\u4e00" & _
    "\u884c \u0022Interpreter_Win\u0022,\u0022\u88c5\u4e86 nianbao \u7684 python.exe \u7684" & _
    "\u5b8c\u6574\u8def\u5f84\u0022\u3002\u8fd0\u884c nianbao addin status \u53ef\u67e5\u770b" & _
    "\u52a0\u8f7d\u9879\u4f7f\u7528\u7684\u89e3\u91ca\u5668\u3002"
Private Const CHECKING As String = "\u6b63\u5728\u68c0\u67e5 Python \u89e3\u91ca\u5668\u2026"

' The interpreter that imported the package in this Excel session.
Private CheckedInterpreter As String

Public Sub OnValidate(control As IRibbonControl)
    If Ready() Then RunPython "import xlwings_addin.validate; xlwings_addin.validate.main()"
End Sub

Public Sub OnClear(control As IRibbonControl)
    If Ready() Then RunPython "import xlwings_addin.clear; xlwings_addin.clear.main()"
End Sub

Public Sub OnExport(control As IRibbonControl)
    If Ready() Then RunPython "import xlwings_addin.export; xlwings_addin.export.main()"
End Sub

' Whether a click can go to Python: a workbook is open, and the interpreter imports the package.
Private Function Ready() As Boolean
    Dim interpreter As String
    If ActiveWorkbook Is Nothing Then
        Tell Zh(NO_BOOK), False
        Exit Function
    End If
    UseUserSettings
    interpreter = GetConfig(INTERPRETER_KEY, "python")
    Ready = PackageImports(interpreter)
End Function

' The user-level file %USERPROFILE%\.nianbao\nianbao.conf overrides the add-in's own sheet
' nianbao.conf. xlwings' GetConfig reads the sheet first, so the file's value is put on the
' sheet for this session (column B); column C keeps the value the build wrote, restored when
' the file no longer sets one. The add-in itself is never saved.
Private Sub UseUserSettings()
    Dim sheet As Worksheet, row As Long, fromFile As String, wanted As String
    On Error GoTo done
    Set sheet = ThisWorkbook.Worksheets(PROJECT_NAME & ".conf")
    For row = 1 To 50
        If UCase$(CStr(sheet.Cells(row, 1).Value)) = INTERPRETER_KEY Then Exit For
    Next row
    If row > 50 Then Exit Sub
    wanted = CStr(sheet.Cells(row, 3).Value)
    If FileExists(GetConfigFilePath()) Then
        If GetConfigFromFile(GetConfigFilePath(), INTERPRETER_KEY, fromFile) Then
            If fromFile <> "" Then wanted = fromFile
        End If
    End If
    If CStr(sheet.Cells(row, 2).Value) <> wanted Then
        sheet.Cells(row, 2).Value = wanted
        ThisWorkbook.Saved = True
    End If
done:
End Sub

' Whether the interpreter exists and imports xlwings and the package; says why not in Chinese.
Private Function PackageImports(ByVal interpreter As String) As Boolean
    Dim exitCode As Long, commandLine As String
    If interpreter = CheckedInterpreter And interpreter <> "" Then
        PackageImports = True
        Exit Function
    End If
    If interpreter <> "python" And interpreter <> "pythonw" And Not FileExists(interpreter) Then
        Tell Zh(NO_INTERPRETER) & vbLf & interpreter & vbLf & vbLf & Zh(HOW_TO_FIX), True
        Exit Function
    End If
    commandLine = Chr(34) & interpreter & Chr(34) & " -c " & Chr(34) & "import xlwings, " & PACKAGE & Chr(34)
    Application.StatusBar = Zh(CHECKING)
    On Error Resume Next
    exitCode = -1
    exitCode = CreateObject("WScript.Shell").Run(commandLine, 0, True)
    On Error GoTo 0
    Application.StatusBar = False
    If exitCode <> 0 Then
        Tell Zh(NO_IMPORT) & vbLf & interpreter & vbLf & vbLf & Zh(HOW_TO_FIX), True
        Exit Function
    End If
    CheckedInterpreter = interpreter
    PackageImports = True
End Function

Private Sub Tell(ByVal message As String, ByVal critical As Boolean)
    If critical Then
        MsgBox message, vbCritical, Zh(TITLE)
    Else
        MsgBox message, vbInformation, Zh(TITLE)
    End If
End Sub

' Text with \uXXXX escapes decoded.
Private Function Zh(ByVal s As String) As String
    Dim i As Long, k As Long, code As Long, digit As Long, out As String
    i = 1
    Do While i <= Len(s)
        If Mid$(s, i, 2) = "\u" And i + 5 <= Len(s) Then
            code = 0
            For k = 0 To 3
                digit = InStr(1, "0123456789abcdef", Mid$(s, i + 2 + k, 1), vbTextCompare) - 1
                code = code * 16 + digit
            Next k
            out = out & ChrW(code)
            i = i + 6
        Else
            out = out & Mid$(s, i, 1)
            i = i + 1
        End If
    Loop
    Zh = out
End Function
