print('ok')
name = 'café'
